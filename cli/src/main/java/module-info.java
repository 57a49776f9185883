/**
 * The {@code litestream4j} command line.
 *
 * <p>Exports nothing: it is an application. Its commands are opened to picocli, which sets their
 * option fields reflectively; {@code jdk.unsupported} is for {@code sun.misc.Signal} (SIGTERM,
 * SIGINT). The backends are not required: core's service loader finds whichever are on the module
 * path.
 */
@SuppressWarnings("requires-automatic") // the Prometheus client names itself
module io.litestream4j.cli {
  requires io.litestream4j.core;
  requires io.litestream4j.server;
  requires info.picocli;
  requires ch.qos.logback.classic;
  requires ch.qos.logback.core;
  requires org.slf4j;
  requires jdk.httpserver;
  requires jdk.unsupported;
  requires io.prometheus.metrics.model;
  requires static org.jspecify;

  opens io.litestream4j.cli to
      info.picocli;
}
