package io.litestream4j.cli;

import io.litestream4j.internal.JsonStrings;
import java.util.List;
import java.util.Map;

/**
 * Renders command results as JSON exactly as Litestream's {@code json.MarshalIndent(v, "", " ")}
 * does: two-space indentation, fields in declaration order (use a {@code LinkedHashMap}), empty
 * arrays as {@code []}, and Go's HTML-safe string escaping. Values may be maps, lists, strings,
 * numbers, booleans or null.
 */
final class JsonOut {
  private JsonOut() {}

  static String render(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, "");
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object value, String indent) {
    switch (value) {
      case null -> sb.append("null");
      case String s -> JsonStrings.quoteHtmlSafe(sb, s);
      case Number n -> sb.append(n);
      case Boolean b -> sb.append(b);
      case Map<?, ?> m -> {
        if (m.isEmpty()) {
          sb.append("{}");
          return;
        }
        String inner = indent + "  ";
        sb.append("{\n");
        int i = 0;
        for (var e : m.entrySet()) {
          sb.append(inner);
          JsonStrings.quoteHtmlSafe(sb, String.valueOf(e.getKey()));
          sb.append(": ");
          write(sb, e.getValue(), inner);
          sb.append(++i < m.size() ? ",\n" : "\n");
        }
        sb.append(indent).append('}');
      }
      case List<?> l -> {
        if (l.isEmpty()) {
          sb.append("[]");
          return;
        }
        String inner = indent + "  ";
        sb.append("[\n");
        for (int i = 0; i < l.size(); i++) {
          sb.append(inner);
          write(sb, l.get(i), inner);
          sb.append(i + 1 < l.size() ? ",\n" : "\n");
        }
        sb.append(indent).append(']');
      }
      default ->
          throw new IllegalArgumentException("cannot render " + value.getClass() + " as JSON");
    }
  }
}
