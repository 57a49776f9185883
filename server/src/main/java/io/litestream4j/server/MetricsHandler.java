package io.litestream4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /metrics}: the registry in the Prometheus text format (0.0.4), written by the Java
 * client's own writer. The one change made to its output: the Java client appends {@code _total} to
 * every counter, Litestream's Go client does not; for the counters listed in {@link
 * OpsMetrics#LITESTREAM_COUNTERS} the suffix is removed from the {@code # HELP}, {@code # TYPE} and
 * sample lines, so every metric keeps Litestream's exact name.
 */
final class MetricsHandler implements HttpHandler {
  private final PrometheusRegistry registry;
  private final Pattern litestreamTotal;

  MetricsHandler(PrometheusRegistry registry, List<String> exactCounterNames) {
    this.registry = registry;
    this.litestreamTotal =
        Pattern.compile(
            "(^|\\n|# (?:HELP|TYPE) )(" + String.join("|", exactCounterNames) + ")_total(?=[ {])");
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      PrometheusTextFormatWriter.create().write(buf, registry.scrape(), EscapingScheme.DEFAULT);
      String text = rename(buf.toString(StandardCharsets.UTF_8));
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  String rename(String text) {
    Matcher m = litestreamTotal.matcher(text);
    return m.replaceAll("$1$2");
  }
}
