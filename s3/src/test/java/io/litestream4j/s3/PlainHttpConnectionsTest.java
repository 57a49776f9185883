package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * When the S3 client opens its own plain-HTTP connections (no TLS context built), and that they
 * carry the replica's timeouts. That requests really go through them is covered by every s3proxy
 * test, whose endpoint is plain HTTP.
 */
class PlainHttpConnectionsTest {
  private static final Function<String, String> NO_PROPERTIES = k -> null;

  @Test
  void onlyAPlainHttpEndpointWithoutAProxyOpensItsOwnConnections() {
    assertThat(suits("http://127.0.0.1:9000", NO_PROPERTIES, Map.of())).isTrue();
    assertThat(suits("HTTP://minio.lan:9000", NO_PROPERTIES, Map.of())).isTrue();
    assertThat(suits("https://minio.lan:9000", NO_PROPERTIES, Map.of())).isFalse();
    assertThat(PlainHttpConnections.suits(Optional.empty(), NO_PROPERTIES, Map.of())).isFalse();
    assertThat(suits("http://minio.lan", k -> k.equals("http.proxyHost") ? "p" : null, Map.of()))
        .isFalse();
    assertThat(suits("http://minio.lan", NO_PROPERTIES, Map.of("http_proxy", "http://p:3128")))
        .isFalse();
    assertThat(suits("http://minio.lan", NO_PROPERTIES, Map.of("HTTP_PROXY", "http://p:3128")))
        .isFalse();
  }

  @Test
  void connectionsCarryTheReplicaTimeouts() throws Exception {
    HttpURLConnection c =
        new PlainHttpConnections(Duration.ofSeconds(7), Duration.ofMinutes(2))
            .createConnection(URI.create("http://127.0.0.1:1/bucket/key"));
    assertThat(c.getConnectTimeout()).isEqualTo(7_000);
    assertThat(c.getReadTimeout()).isEqualTo(120_000);
    assertThat(c.usingProxy()).isFalse();
  }

  private static boolean suits(
      String endpoint, Function<String, String> properties, Map<String, String> env) {
    return PlainHttpConnections.suits(Optional.of(endpoint), properties, env);
  }
}
