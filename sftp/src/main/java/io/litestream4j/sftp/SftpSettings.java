package io.litestream4j.sftp;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an sftp replica is and how to log in, read from a replica configuration the way Litestream
 * reads it: {@code sftp://user[:password]@host[:port]/path} or the keys {@code host}, {@code user},
 * {@code password}, {@code key-path}, {@code host-key}, {@code concurrent-writes} and {@code path};
 * keys win over URL parts.
 *
 * <p>A URL path is absolute on the server ({@code sftp://h/backups/db} is {@code /backups/db}); a
 * {@code path} key is used as written, so a relative one is relative to the login directory.
 *
 * @param host server name or address, without port
 * @param port TCP port (22 unless given)
 * @param user login name
 * @param password password, if password authentication is to be tried
 * @param keyPath private key file, if public key authentication is to be tried
 * @param hostKey the server key to require; empty means the server is not verified
 * @param path replica directory on the server, without trailing slash ("" = login directory)
 * @param concurrentWrites pipeline write requests (several in flight) instead of one at a time
 * @param dialTimeout limit for TCP connect plus SSH handshake and authentication
 */
public record SftpSettings(
    String host,
    int port,
    String user,
    Optional<String> password,
    Optional<String> keyPath,
    Optional<SftpHostKey> hostKey,
    String path,
    boolean concurrentWrites,
    Duration dialTimeout) {

  public static final int DEFAULT_PORT = 22;
  public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(30);

  public SftpSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(keyPath, "keyPath");
    Objects.requireNonNull(hostKey, "hostKey");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(dialTimeout, "dialTimeout");
    if (host.isBlank()) {
      throw new ConfigException(
          "host",
          "host required for sftp replica (set 'host' or use a url such as sftp://user@host/path)");
    }
    if (user.isBlank()) {
      throw new ConfigException(
          "user",
          "user required for sftp replica (set 'user' or use a url such as sftp://user@host/path)");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException(
          "host", "port must be between 1 and 65535", Integer.toString(port), null);
    }
    if (dialTimeout.isNegative() || dialTimeout.isZero()) {
      throw new IllegalArgumentException("dial timeout must be positive, got " + dialTimeout);
    }
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
  }

  /** Settings for tests and embedding: password or key, optional pinned key, default options. */
  public static SftpSettings of(String host, int port, String user, String path) {
    return new SftpSettings(
        host,
        port,
        user,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        path,
        true,
        DEFAULT_DIAL_TIMEOUT);
  }

  public SftpSettings withPassword(String p) {
    return new SftpSettings(
        host, port, user, Optional.of(p), keyPath, hostKey, path, concurrentWrites, dialTimeout);
  }

  public SftpSettings withKeyPath(String k) {
    return new SftpSettings(
        host, port, user, password, Optional.of(k), hostKey, path, concurrentWrites, dialTimeout);
  }

  public SftpSettings withHostKey(SftpHostKey k) {
    return new SftpSettings(
        host, port, user, password, keyPath, Optional.of(k), path, concurrentWrites, dialTimeout);
  }

  public SftpSettings withPath(String p) {
    return new SftpSettings(
        host, port, user, password, keyPath, hostKey, p, concurrentWrites, dialTimeout);
  }

  public SftpSettings withConcurrentWrites(boolean c) {
    return new SftpSettings(host, port, user, password, keyPath, hostKey, path, c, dialTimeout);
  }

  public SftpSettings withDialTimeout(Duration d) {
    return new SftpSettings(
        host, port, user, password, keyPath, hostKey, path, concurrentWrites, d);
  }

  /**
   * Reads the settings of an {@code sftp} replica entry.
   *
   * @throws ConfigException if host or user is missing, both {@code url} and {@code host} are set,
   *     the port is not a number, or {@code host-key} cannot be parsed
   */
  public static SftpSettings from(ReplicaConfig config) {
    ReplicaOptions o = config.options();
    Optional<ReplicaUrl> url = config.url();
    Optional<String> hostKey = o.string("host").filter(s -> !s.isBlank());
    if (url.isPresent() && hostKey.isPresent()) {
      throw new ConfigException("host", "cannot specify url & host for sftp replica");
    }
    String hostPort = hostKey.orElse("");
    String user = o.string("user").orElse("");
    Optional<String> password = o.string("password").filter(s -> !s.isEmpty());
    String path = config.path().orElse("");
    if (url.isPresent()) {
      ReplicaUrl u = url.get();
      hostPort = u.host();
      String info = u.userInfo();
      int colon = info.indexOf(':');
      if (user.isEmpty()) {
        user = colon < 0 ? info : info.substring(0, colon);
      }
      if (password.isEmpty() && colon >= 0 && colon < info.length() - 1) {
        password = Optional.of(info.substring(colon + 1));
      }
      path = u.path().isEmpty() ? "" : "/" + u.path();
    }
    String host = hostPort;
    int port = DEFAULT_PORT;
    int colon = hostPort.lastIndexOf(':');
    if (colon >= 0 && hostPort.indexOf(']') < colon) {
      host = hostPort.substring(0, colon);
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new ConfigException("host", "the port after ':' must be a number", hostPort, null);
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new SftpSettings(
        host,
        port,
        user,
        password,
        o.string("key-path").filter(s -> !s.isBlank()).map(SftpSettings::expandHome),
        o.string("host-key").filter(s -> !s.isBlank()).map(SftpHostKey::parse),
        path,
        o.bool("concurrent-writes").orElse(true),
        DEFAULT_DIAL_TIMEOUT);
  }

  /** {@code ~/id_ed25519} means a key in the home directory of the user running litestream4j. */
  private static String expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return System.getProperty("user.home") + path.substring(1);
    }
    return path;
  }

  /**
   * The replica location for messages, e.g. {@code sftp://backup@host:22/backups/db} (no secrets).
   */
  public String location() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "sftp://" + user + "@" + h + ":" + port + (path.startsWith("/") ? path : "/~/" + path);
  }

  @Override
  public String toString() {
    return location()
        + (password.isPresent() ? " (password ***)" : "")
        + keyPath.map(k -> " (key " + k + ")").orElse("")
        + hostKey.map(k -> " (host key " + k + ")").orElse(" (host key not verified)");
  }
}
