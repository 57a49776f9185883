package io.litestream4j.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The parameters of a URL query string ({@code a=1&b=x%20y}), for the project's small HTTP servers
 * (metrics, MCP, control socket, the CLI's training S3 server), which all read queries the same
 * way.
 *
 * <p>Guarantees: names and values are URL-decoded as UTF-8; a parameter without {@code =} has the
 * value {@code ""}; a repeated name keeps its last value; the map keeps the query's order. A null
 * or empty query gives an empty map.
 */
public final class QueryStrings {
  private QueryStrings() {}

  /** Parses the raw (still encoded) query, without its leading {@code ?}. */
  public static Map<String, String> parse(@Nullable String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      q.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return q;
  }
}
