package io.litestream4j.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Small helpers shared by the HTTP handlers of the metrics and MCP servers. */
final class HttpExchanges {
  private HttpExchanges() {}

  static void send(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  static void json(HttpExchange ex, int status, Object value) throws IOException {
    send(ex, status, "application/json", Json.write(value) + "\n");
  }
}
