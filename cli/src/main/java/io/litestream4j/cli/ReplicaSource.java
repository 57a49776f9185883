package io.litestream4j.cli;

import io.litestream4j.config.Config;
import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.DbConfig;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClients;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The replica a {@code DB_PATH|REPLICA_URL} argument names, as {@code restore} and {@code ltx}
 * resolve it: a URL ({@code scheme://...}) directly, with no configuration allowed; a path through
 * the configuration file's entry for that database.
 *
 * @param client the replica's client (the caller closes it)
 * @param description how messages name the replica (its URL)
 * @param db the configuration entry, for a database path
 */
record ReplicaSource(ReplicaClient client, String description, Optional<DbConfig> db) {

  static boolean isUrl(String arg) {
    return ReplicaUrl.looksLikeUrl(arg);
  }

  static ReplicaSource resolve(
      String arg, ConfigFlags config, Map<String, String> env, PrintWriter err) throws IOException {
    if (isUrl(arg)) {
      if (config.given()) {
        throw new ConfigException("", "cannot specify a replica URL and the -config flag");
      }
      ReplicaClients clients =
          ReplicaUrl.parse(arg).scheme().equals("file")
              ? ReplicaClients.builtIn()
              : ReplicaClients.discover();
      return new ReplicaSource(clients.create(arg), arg, Optional.empty());
    }
    Config cfg = config.load(env, err);
    DbConfig db = lookup(cfg, arg, env);
    return new ReplicaSource(
        ReplicaClients.discover().create(db.replica()), db.replica().describe(), Optional.of(db));
  }

  /** The configuration entry for the database at {@code arg}. */
  static DbConfig lookup(Config cfg, String arg, Map<String, String> env) {
    Path path = ConfigLoader.expandPath(arg, env);
    return cfg.db(path)
        .orElseThrow(() -> new ConfigException("", "database not found in config: " + path));
  }
}
