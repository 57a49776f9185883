package io.litestream4j.s3;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Endpoint strings as users write them ({@code minio:9000}, {@code
 * https://x.r2.cloudflarestorage.com}, {@code 192.168.1.5:9000}): adds the scheme Litestream would
 * add and extracts the host to detect the provider. Exists so every place that looks at an endpoint
 * agrees on what it means.
 */
public final class Endpoints {

  private Endpoints() {}

  /**
   * The endpoint with a scheme: kept if present, else {@code http://} for local and private-network
   * hosts and {@code https://} for everything else.
   */
  public static String withScheme(String endpoint) {
    String trimmed = endpoint.strip();
    if (hasScheme(trimmed)) {
      return trimmed;
    }
    return (isLocal(trimmed) ? "http://" : "https://") + trimmed;
  }

  static boolean hasScheme(String endpoint) {
    String lower = endpoint.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** Lower-case {@code host[:port]} of an endpoint with or without scheme; empty if it has none. */
  static String hostAndPort(String endpoint) {
    String e = endpoint.strip().toLowerCase(Locale.ROOT);
    if (e.isEmpty()) {
      return "";
    }
    if (hasScheme(e)) {
      try {
        URI uri = URI.create(e);
        if (uri.getRawUserInfo() != null || uri.getRawAuthority() == null) {
          return "";
        }
        return uri.getRawAuthority();
      } catch (IllegalArgumentException bad) {
        return "";
      }
    }
    int slash = e.indexOf('/');
    return slash < 0 ? e : e.substring(0, slash);
  }

  /** The host without port. */
  static String host(String endpoint) {
    String hp = hostAndPort(endpoint);
    if (hp.startsWith("[")) {
      int close = hp.indexOf(']');
      return close < 0 ? hp : hp.substring(0, close + 1);
    }
    int colon = hp.lastIndexOf(':');
    return colon < 0 ? hp : hp.substring(0, colon);
  }

  /**
   * Localhost, loopback, RFC 1918 private addresses and {@code .local} names: plain HTTP is fine
   * there.
   */
  static boolean isLocal(String endpoint) {
    String host = host(endpoint);
    if (host.isEmpty()) {
      return false;
    }
    if (host.equals("localhost")
        || host.endsWith(".localhost")
        || host.endsWith(".local")
        || host.equals("[::1]")) {
      return true;
    }
    return ipv4(host)
        .map(
            b ->
                b[0] == 127
                    || b[0] == 10
                    || b[0] == 192 && b[1] == 168
                    || b[0] == 172 && b[1] >= 16 && b[1] <= 31)
        .orElse(false);
  }

  private static Optional<int[]> ipv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    int[] bytes = new int[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty()
          || parts[i].length() > 3
          || !parts[i].chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
      bytes[i] = Integer.parseInt(parts[i]);
      if (bytes[i] > 255) {
        return Optional.empty();
      }
    }
    return Optional.of(bytes);
  }
}
