package io.litestream4j.nats;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a NATS JetStream object store replica is and how to connect, read the way Litestream reads
 * it: {@code nats://host[:port]/bucket} or the {@code bucket} key, authentication keys (see {@link
 * NatsAuth}), TLS keys ({@code tls}, {@code root-cas}, {@code client-cert} + {@code client-key})
 * and reconnect keys ({@code max-reconnects}, {@code reconnect-wait}, {@code timeout}). The bucket
 * must exist: it is never created.
 *
 * @param server the server URL, {@code nats://host:port} ({@code nats://127.0.0.1:4222} if no URL)
 * @param bucket the object store bucket
 * @param auth how to authenticate
 * @param tls require TLS
 * @param rootCas PEM files of the certificate authorities to trust (else the JDK's)
 * @param clientCert PEM certificate for mutual TLS, with {@code clientKey}
 * @param clientKey PEM (PKCS#8) private key for mutual TLS
 * @param maxReconnects reconnect attempts after a lost connection, -1 for unlimited
 * @param reconnectWait pause between reconnect attempts
 * @param timeout connect timeout and the limit of one request to the server
 */
public record NatsSettings(
    String server,
    String bucket,
    NatsAuth auth,
    boolean tls,
    List<String> rootCas,
    Optional<String> clientCert,
    Optional<String> clientKey,
    int maxReconnects,
    Duration reconnectWait,
    Duration timeout) {

  public static final String DEFAULT_SERVER = "nats://127.0.0.1:4222";
  public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public NatsSettings {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(auth, "auth");
    rootCas = List.copyOf(rootCas);
    Objects.requireNonNull(clientCert, "clientCert");
    Objects.requireNonNull(clientKey, "clientKey");
    Objects.requireNonNull(reconnectWait, "reconnectWait");
    Objects.requireNonNull(timeout, "timeout");
    if (bucket.isBlank()) {
      throw new ConfigException(
          "bucket",
          "bucket required for NATS replica (use a url such as nats://host:4222/bucket or set 'bucket')");
    }
    if (clientCert.isPresent() != clientKey.isPresent()) {
      throw new ConfigException(
          "client-cert",
          "client-cert and client-key must both be specified for mutual TLS authentication");
    }
    if (maxReconnects < -1) {
      throw new ConfigException(
          "max-reconnects",
          "must be -1 (unlimited) or more",
          Integer.toString(maxReconnects),
          null);
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new ConfigException("timeout", "must be > 0", timeout.toString(), null);
    }
  }

  /** Settings for tests and embedding: no authentication, Litestream's defaults. */
  public static NatsSettings of(String server, String bucket) {
    return new NatsSettings(
        server,
        bucket,
        new NatsAuth.None(),
        false,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        -1,
        DEFAULT_RECONNECT_WAIT,
        DEFAULT_TIMEOUT);
  }

  public NatsSettings withAuth(NatsAuth a) {
    return new NatsSettings(
        server,
        bucket,
        a,
        tls,
        rootCas,
        clientCert,
        clientKey,
        maxReconnects,
        reconnectWait,
        timeout);
  }

  public NatsSettings withTls(
      boolean t, List<String> cas, Optional<String> cert, Optional<String> key) {
    return new NatsSettings(
        server, bucket, auth, t, cas, cert, key, maxReconnects, reconnectWait, timeout);
  }

  public NatsSettings withReconnects(int max, Duration wait, Duration t) {
    return new NatsSettings(
        server, bucket, auth, tls, rootCas, clientCert, clientKey, max, wait, t);
  }

  /**
   * True when a TLS context must be built: TLS required, or custom trust or client certificates.
   */
  public boolean usesTls() {
    return tls || !rootCas.isEmpty() || clientCert.isPresent();
  }

  /**
   * Reads the settings of a {@code nats} replica entry.
   *
   * @throws ConfigException if the bucket is missing, only one of client-cert/client-key is set, a
   *     creds file is unreadable or an nkey is not a seed
   */
  public static NatsSettings from(ReplicaConfig config) {
    ReplicaOptions o = config.options();
    String server = DEFAULT_SERVER;
    String bucket = "";
    Optional<String> urlUser = Optional.empty();
    Optional<String> urlPassword = Optional.empty();
    if (config.url().isPresent()) {
      ReplicaUrl u = config.url().get();
      if (!u.host().isEmpty()) {
        server = "nats://" + u.host();
      }
      bucket = u.path();
      String info = u.userInfo();
      if (!info.isEmpty()) {
        int colon = info.indexOf(':');
        urlUser = Optional.of(colon < 0 ? info : info.substring(0, colon));
        urlPassword = colon < 0 ? Optional.empty() : Optional.of(info.substring(colon + 1));
      }
    }
    if (bucket.isEmpty()) {
      bucket = o.string("bucket").orElse("");
    }
    return new NatsSettings(
        server,
        bucket,
        auth(o, urlUser, urlPassword),
        o.bool("tls").orElse(false),
        o.strings("root-cas"),
        nonBlank(o, "client-cert"),
        nonBlank(o, "client-key"),
        (int) o.number("max-reconnects").orElse(-1),
        o.duration("reconnect-wait").orElse(DEFAULT_RECONNECT_WAIT),
        o.duration("timeout").filter(d -> !d.isZero()).orElse(DEFAULT_TIMEOUT));
  }

  private static Optional<String> nonBlank(ReplicaOptions o, String key) {
    return o.string(key).filter(s -> !s.isBlank());
  }

  private static NatsAuth auth(
      ReplicaOptions o, Optional<String> urlUser, Optional<String> urlPassword) {
    Optional<String> jwt = nonBlank(o, "jwt");
    Optional<String> seed = nonBlank(o, "seed");
    Optional<String> user = nonBlank(o, "username").or(() -> urlUser);
    Optional<String> password =
        o.string("password").filter(s -> !s.isEmpty()).or(() -> urlPassword);
    if (jwt.isPresent() && seed.isPresent()) {
      return new NatsAuth.JwtAndSeed(jwt.get(), seed.get());
    }
    if (nonBlank(o, "creds").isPresent()) {
      return new NatsAuth.CredsFile(o.string("creds").get());
    }
    if (nonBlank(o, "nkey").isPresent()) {
      return new NatsAuth.NKey(o.string("nkey").get().strip());
    }
    if (user.isPresent() && password.isPresent()) {
      return new NatsAuth.UserPassword(user.get(), password.get());
    }
    if (nonBlank(o, "token").isPresent()) {
      return new NatsAuth.Token(o.string("token").get());
    }
    if (jwt.isPresent() != seed.isPresent()) {
      throw new ConfigException(
          jwt.isPresent() ? "seed" : "jwt",
          "jwt and seed must both be set for NATS JWT authentication");
    }
    return new NatsAuth.None();
  }

  /** The replica location for messages: {@code nats://host:port/bucket}. */
  public String location() {
    return server + "/" + bucket;
  }

  @Override
  public String toString() {
    return location() + " (" + auth + (usesTls() ? ", TLS" : "") + ")";
  }
}
