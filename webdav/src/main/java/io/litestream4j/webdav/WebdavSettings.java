package io.litestream4j.webdav;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.ObjectKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a WebDAV replica is and how to log in, read the way Litestream reads it: a URL {@code
 * webdav://[user[:password]@]host[:port]/path} (plain HTTP) or {@code webdavs://...} (HTTPS), or
 * the keys {@code webdav-url} (the server root, e.g. {@code
 * https://dav.example.com/remote.php/dav/files/me}), {@code webdav-username}, {@code
 * webdav-password} and {@code path}. Keys win over URL parts.
 *
 * @param root the server URL every replica path is resolved against, ending in {@code /}
 * @param username for HTTP Basic authentication, if any
 * @param password for HTTP Basic authentication, if any
 * @param path replica directory below the root, without leading or trailing slash ("" = the root)
 * @param timeout connect timeout, and the limit for a request without a large body
 */
public record WebdavSettings(
    URI root, Optional<String> username, Optional<String> password, String path, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public WebdavSettings {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(timeout, "timeout");
    String scheme = String.valueOf(root.getScheme());
    if (!scheme.equals("http") && !scheme.equals("https") || root.getHost() == null) {
      throw new ConfigException(
          "webdav-url", "must be an http:// or https:// URL with a host", root.toString(), null);
    }
    if (root.getRawUserInfo()
        != null) { // credentials in webdav-url: used unless given as keys, never shown
      String info =
          java.net.URLDecoder.decode(
              root.getRawUserInfo().replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
      int colon = info.indexOf(':');
      if (username.isEmpty()) {
        username = Optional.of(colon < 0 ? info : info.substring(0, colon));
      }
      if (password.isEmpty() && colon >= 0) {
        password = Optional.of(info.substring(colon + 1));
      }
      String authority = root.getRawAuthority();
      root =
          URI.create(
              root.getScheme()
                  + "://"
                  + authority.substring(authority.indexOf('@') + 1)
                  + (root.getRawPath() == null ? "" : root.getRawPath()));
    }
    if (!root.getRawPath().endsWith("/")) {
      root = URI.create(root.toString().replaceFirst("([?#].*)?$", "") + "/");
    }
    path = ObjectKeys.trimSlashes(path);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  /** Settings for tests and embedding: no credentials, default timeout. */
  public static WebdavSettings of(String rootUrl, String path) {
    return new WebdavSettings(
        URI.create(rootUrl), Optional.empty(), Optional.empty(), path, DEFAULT_TIMEOUT);
  }

  public WebdavSettings withCredentials(String user, String pass) {
    return new WebdavSettings(root, Optional.of(user), Optional.of(pass), path, timeout);
  }

  public WebdavSettings withTimeout(Duration t) {
    return new WebdavSettings(root, username, password, path, t);
  }

  /**
   * Reads the settings of a {@code webdav} replica entry.
   *
   * @throws ConfigException if neither a URL nor {@code webdav-url} is given, both are, or the
   *     server URL is not an http(s) URL
   */
  public static WebdavSettings from(ReplicaConfig config) {
    ReplicaOptions o = config.options();
    Optional<ReplicaUrl> url = config.url();
    Optional<String> rootKey = o.string("webdav-url").filter(s -> !s.isBlank());
    if (url.isPresent() && rootKey.isPresent()) {
      throw new ConfigException("webdav-url", "cannot specify url & webdav-url for webdav replica");
    }
    String root = rootKey.orElse("");
    Optional<String> user = o.string("webdav-username").filter(s -> !s.isEmpty());
    Optional<String> pass = o.string("webdav-password").filter(s -> !s.isEmpty());
    String path = config.path().orElse("");
    if (url.isPresent()) {
      ReplicaUrl u = url.get();
      if (u.host().isEmpty()) {
        throw new ConfigException(
            "url",
            "host required for webdav replica URL, as in webdav://host:port/path",
            u.toString(),
            null);
      }
      root = (u.scheme().equals("webdavs") ? "https" : "http") + "://" + u.host() + "/";
      String info = u.userInfo();
      int colon = info.indexOf(':');
      if (user.isEmpty() && !info.isEmpty()) {
        user = Optional.of(colon < 0 ? info : info.substring(0, colon)).filter(s -> !s.isEmpty());
      }
      if (pass.isEmpty() && colon >= 0 && colon < info.length() - 1) {
        pass = Optional.of(info.substring(colon + 1));
      }
      path = u.path();
    }
    if (root.isEmpty()) {
      throw new ConfigException(
          "webdav-url",
          "webdav-url required for webdav replica (or a url such as webdavs://host/path)");
    }
    URI uri;
    try {
      uri = new URI(root);
    } catch (URISyntaxException e) {
      throw new ConfigException("webdav-url", "is not a valid URL: " + e.getReason(), root, null);
    }
    return new WebdavSettings(uri, user, pass, path, DEFAULT_TIMEOUT);
  }

  /** The replica location for messages (no password). */
  public String location() {
    return root + path;
  }

  @Override
  public String toString() {
    return location()
        + username
            .map(u -> " (user " + u + (password.isPresent() ? ", password ***)" : ")"))
            .orElse("");
  }
}
