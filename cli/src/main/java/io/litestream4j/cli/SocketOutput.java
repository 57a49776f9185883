package io.litestream4j.cli;

import io.litestream4j.server.Json;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Prints a socket command's result: one JSON object with {@code -json}, else {@code key: value}
 * lines.
 */
final class SocketOutput {
  private SocketOutput() {}

  static void print(PrintWriter out, boolean json, Map<String, Object> result) {
    if (json) {
      out.println(Json.write(result));
    } else {
      // Litestream humanizes the status ("already registered"); paths and URLs are printed as they
      // are.
      result.forEach(
          (k, v) ->
              out.println(
                  k
                      + ": "
                      + ("status".equals(k) && v instanceof String s ? s.replace('_', ' ') : v)));
    }
    out.flush();
  }

  static long txid(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.longValue() : 0;
  }
}
