package io.litestream4j.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.http.urlconnection.UrlConnectionFactory;

/**
 * Connections for an endpoint reached over plain HTTP (a MinIO or s3proxy on the local network),
 * opened without a proxy and with the replica's timeouts. Exists because the SDK's URL-connection
 * client, left to open connections itself, builds a TLS context up front whether the endpoint needs
 * one or not, and that means reading and parsing the JDK's CA certificates: a tenth of a second or
 * more of every short command (a restore, {@code ltx}). Used only when {@link #suits} says so;
 * every other endpoint keeps the SDK's own connections, proxy handling included.
 */
final class PlainHttpConnections implements UrlConnectionFactory {
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;

  PlainHttpConnections(Duration connectTimeout, Duration readTimeout) {
    this.connectTimeoutMillis = millis(connectTimeout);
    this.readTimeoutMillis = millis(readTimeout);
  }

  /**
   * True for an {@code http://} endpoint when no proxy is configured ({@code http.proxyHost}, or
   * {@code http_proxy}/{@code HTTP_PROXY} in {@code env}), the case where these connections behave
   * exactly as the SDK's would.
   */
  static boolean suits(
      Optional<String> endpoint, Function<String, String> systemProperty, Map<String, String> env) {
    return endpoint.filter(e -> e.regionMatches(true, 0, "http://", 0, 7)).isPresent()
        && systemProperty.apply("http.proxyHost") == null
        && env.get("http_proxy") == null
        && env.get("HTTP_PROXY") == null;
  }

  @Override
  public HttpURLConnection createConnection(URI uri) {
    try {
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
      c.setConnectTimeout(connectTimeoutMillis);
      c.setReadTimeout(readTimeoutMillis);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a connection to " + uri, e);
    }
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, d.toMillis()));
  }
}
