package io.litestream4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JSON, listen addresses, MCP boolean arguments and the exact-name fix of Litestream's counters.
 */
class SmallPartsTest {
  @Test
  void jsonRoundTrip() {
    Map<String, Object> m =
        Json.parseObject("{\"a\":1,\"b\":[true,false,null,\"x\\\"y\\u00e9\"],\"c\":{\"d\":2.5}}");
    assertThat(m).containsEntry("a", 1L);
    assertThat(m.get("b")).isEqualTo(java.util.Arrays.asList(true, false, null, "x\"yé"));
    assertThat(Json.write(m))
        .isEqualTo("{\"a\":1,\"b\":[true,false,null,\"x\\\"yé\"],\"c\":{\"d\":2.5}}");
    assertThatThrownBy(() -> Json.parse("{\"a\":}")).hasMessageContaining("invalid JSON at offset");
  }

  @Test
  void listenAddresses() {
    assertThat(ListenAddress.parse("addr", ":9090").getAddress().isAnyLocalAddress()).isTrue();
    assertThat(ListenAddress.parse("addr", "127.0.0.1:0").getHostString()).isEqualTo("127.0.0.1");
    assertThatThrownBy(() -> ListenAddress.parse("addr", "9090"))
        .hasMessageContaining("addr: listen address must include a port");
  }

  @Test
  void mcpBooleansBecomeBareFlags() {
    McpTools tools =
        new McpTools(
            args -> new CommandRunner.Result(0, String.join(" ", args), ""),
            java.util.Optional.empty());
    assertThat(
            tools.restoreArgs(
                Map.of(
                    "path",
                    "file:///r",
                    "o",
                    "/tmp/o.db",
                    "if_db_not_exists",
                    true,
                    "if_replica_exists",
                    false)))
        .containsExactly("restore", "-o", "/tmp/o.db", "-if-db-not-exists", "file:///r");
    assertThat(tools.restoreArgs(Map.of("path", "file:///r", "if_replica_exists", "true")))
        .containsExactly("restore", "-if-replica-exists", "file:///r");
    assertThatThrownBy(() -> McpTools.flag(Map.of("x", "maybe"), "x"))
        .hasMessageContaining("must be a boolean");
  }

  @Test
  void litestreamCountersKeepTheirExactNames() throws Exception {
    PrometheusRegistry reg = new PrometheusRegistry();
    Counter.builder()
        .name("litestream_sync_count")
        .help("h")
        .labelNames("db")
        .register(reg)
        .labelValues("/a")
        .inc();
    Counter.builder().name("litestream_replica_operation_total").help("h").register(reg).inc();
    Counter.builder().name("other_count").help("h").register(reg).inc();
    var out = new java.io.ByteArrayOutputStream();
    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create()
        .write(out, reg.scrape(), io.prometheus.metrics.config.EscapingScheme.DEFAULT);
    String text = new MetricsHandler(reg, List.of("litestream_sync_count")).rename(out.toString());
    assertThat(text)
        .contains(
            "# TYPE litestream_sync_count counter\n",
            "\nlitestream_sync_count{db=\"/a\"} 1.0\n",
            "litestream_replica_operation_total 1.0",
            "other_count_total 1.0")
        .doesNotContain("litestream_sync_count_total");
  }

  @Test
  void portInUseNamesTheKey() throws Exception {
    try (java.net.ServerSocket taken =
            new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        io.litestream4j.Replicator r = io.litestream4j.Replicator.create()) {
      var config =
          io.litestream4j.config.ConfigLoader.parse(
                  "addr: \"127.0.0.1:" + taken.getLocalPort() + "\"\n", "test.yml", true, Map.of())
              .config();
      DatabaseRegistry dbs =
          new DatabaseRegistry(
              r,
              ReplicaOperations.NONE,
              io.litestream4j.ReplicationOptions::of,
              java.time.Duration.ofSeconds(1),
              java.time.Clock.systemUTC());
      OpsMetrics metrics =
          new OpsMetrics(
              new PrometheusRegistry(),
              dbs,
              java.time.Clock.systemUTC(),
              OpsMetrics.NO_FULL_FILE_REASONS);
      assertThatThrownBy(
              () ->
                  OpsServices.start(
                      config, dbs, metrics, args -> null, java.util.Optional.empty(), "v"))
          .hasMessageContaining(
              "addr: cannot listen on \"127.0.0.1:" + taken.getLocalPort() + "\"");
    }
  }
}
