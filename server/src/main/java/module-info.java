/**
 * The operations side of {@code replicate}: metrics endpoint, status page, control socket,
 * heartbeat and MCP server.
 *
 * <p>Exported only to the command line, which starts it; it is not an embedding API. The Prometheus
 * client jars have no module descriptor; the requires below use their {@code
 * Automatic-Module-Name}s ({@code io.prometheus.writer.text} is the text-format writer's).
 */
@SuppressWarnings("requires-automatic") // the Prometheus client names itself
module io.litestream4j.server {
  requires transitive io.litestream4j.core;
  requires org.slf4j;
  requires java.management;
  requires java.net.http;
  requires jdk.httpserver;
  requires io.prometheus.metrics.config;
  requires io.prometheus.metrics.core;
  requires io.prometheus.metrics.model;
  requires io.prometheus.writer.text;

  exports io.litestream4j.server to
      io.litestream4j.cli;
}
