package io.litestream4j.server;

import com.sun.net.httpserver.HttpServer;
import io.litestream4j.internal.QueryStrings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server on {@code addr}: {@code /metrics} (Prometheus), {@code /} (status page), {@code
 * /txid?path=DB} ({@code {"txid":N}} as Litestream's) and {@code /debug/threads} (a JVM thread
 * dump, the cheap equivalent of Go's pprof goroutine dump). Runs on a JDK {@link HttpServer} with
 * two named threads; {@link #close()} stops it within a second.
 */
public final class OpsHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private OpsHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static OpsHttpServer start(
      InetSocketAddress bind, DatabaseRegistry dbs, OpsMetrics metrics, String version, Clock clock)
      throws IOException {
    HttpServer server = HttpServer.create(bind, 16);
    StatusPage page = new StatusPage(5, version);
    server.createContext(
        "/metrics", new MetricsHandler(metrics.registry(), OpsMetrics.LITESTREAM_COUNTERS));
    server.createContext(
        "/txid",
        ex -> {
          try (ex) {
            String path = QueryStrings.parse(ex.getRequestURI().getRawQuery()).get("path");
            if (path == null || path.isEmpty()) {
              HttpExchanges.json(ex, 400, Map.of("error", "path is required"));
              return;
            }
            OptionalLong txid = dbs.txid(DatabaseRegistry.normalize(path));
            if (txid.isEmpty()) {
              HttpExchanges.json(ex, 404, Map.of("error", "database not found", "details", path));
            } else {
              HttpExchanges.json(ex, 200, Map.of("txid", txid.getAsLong()));
            }
          }
        });
    server.createContext(
        "/debug/threads",
        ex -> {
          try (ex) {
            StringBuilder sb = new StringBuilder();
            for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
              sb.append(t);
            }
            HttpExchanges.send(ex, 200, "text/plain; charset=utf-8", sb.toString());
          }
        });
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            if (!"/".equals(ex.getRequestURI().getPath())) {
              HttpExchanges.send(ex, 404, "text/plain; charset=utf-8", "not found\n");
              return;
            }
            HttpExchanges.send(
                ex,
                200,
                "text/html; charset=utf-8",
                page.render(dbs.statuses(true), clock.instant()));
          }
        });
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2, Thread.ofPlatform().name("l4j-http-", 0).daemon(true).factory());
    server.setExecutor(executor);
    server.start();
    LOG.info(
        "serving metrics on http://{}/metrics and the status page on http://{}/",
        display(server.getAddress()),
        display(server.getAddress()));
    return new OpsHttpServer(server, executor);
  }

  static String display(InetSocketAddress a) {
    String host = a.getAddress().isAnyLocalAddress() ? "localhost" : a.getHostString();
    return host + ":" + a.getPort();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
