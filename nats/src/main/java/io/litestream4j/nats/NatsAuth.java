package io.litestream4j.nats;

import io.litestream4j.config.ConfigException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a NATS replica authenticates, chosen from Litestream's keys in Litestream's order: the first
 * of {@code jwt}+{@code seed}, {@code creds}, {@code nkey}, {@code username}+{@code password},
 * {@code token} that is set wins. {@link #toString()} never shows a secret.
 */
sealed interface NatsAuth {

  void apply(Options.Builder options);

  /** No credentials. */
  record None() implements NatsAuth {
    @Override
    public void apply(Options.Builder options) {}

    @Override
    public String toString() {
      return "no authentication";
    }
  }

  /**
   * A user JWT and the NKey seed that signs the server's challenge ({@code jwt} + {@code seed}).
   */
  record JwtAndSeed(String jwt, String seed) implements NatsAuth {
    @Override
    public void apply(Options.Builder options) {
      options.authHandler(Nats.staticCredentials(jwt.toCharArray(), seed.toCharArray()));
    }

    @Override
    public String toString() {
      return "jwt and seed";
    }
  }

  /** A {@code .creds} file holding a user JWT and seed ({@code creds}). */
  record CredsFile(String path) implements NatsAuth {
    public CredsFile {
      if (!Files.isReadable(Path.of(path))) {
        throw new ConfigException(
            "creds", "cannot read the NATS credentials file: no such readable file", path, null);
      }
    }

    @Override
    public void apply(Options.Builder options) {
      options.authHandler(Nats.credentials(path));
    }

    @Override
    public String toString() {
      return "credentials file " + path;
    }
  }

  /**
   * NKey authentication ({@code nkey}). The value must be the user's NKey seed ({@code SU...}): the
   * client signs the server's challenge with it. (Litestream's {@code nkey} takes the public key
   * but offers no way to sign, so only a seed can work.)
   */
  record NKey(String seed) implements NatsAuth {
    public NKey {
      if (!seed.startsWith("SU")) {
        throw new ConfigException(
            "nkey",
            "must be the user's NKey seed (starting with SU), which signs the "
                + "server's challenge"
                + (seed.startsWith("U") ? "; this looks like the public key (U...)" : ""));
      }
    }

    @Override
    public void apply(Options.Builder options) {
      options.authHandler(Nats.staticCredentials(null, seed.toCharArray()));
    }

    @Override
    public String toString() {
      return "nkey";
    }
  }

  /** User name and password ({@code username} + {@code password}). */
  record UserPassword(String username, String password) implements NatsAuth {
    @Override
    public void apply(Options.Builder options) {
      options.userInfo(username.toCharArray(), password.toCharArray());
    }

    @Override
    public String toString() {
      return "user " + username;
    }
  }

  /** An authentication token ({@code token}). */
  record Token(String token) implements NatsAuth {
    @Override
    public void apply(Options.Builder options) {
      options.token(token.toCharArray());
    }

    @Override
    public String toString() {
      return "token";
    }
  }
}
