package io.litestream4j.bench;

import io.litestream4j.internal.JsonStrings;
import java.util.Collection;
import java.util.Map;

/**
 * Writes results.json from plain maps, lists, strings, numbers and booleans: the results are simple
 * enough that a JSON library would only add a dependency. Non-finite numbers become {@code null}.
 */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.append('\n').toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    switch (v) {
      case null -> sb.append("null");
      case String s -> JsonStrings.quote(sb, s);
      case Boolean b -> sb.append(b);
      case Double d -> number(sb, d);
      case Float f -> number(sb, f.doubleValue());
      case Number n -> sb.append(n);
      case Map<?, ?> m -> object(sb, m, indent);
      case Collection<?> c -> array(sb, c, indent);
      case double[] a -> array(sb, java.util.Arrays.stream(a).boxed().toList(), indent);
      default -> JsonStrings.quote(sb, v.toString());
    }
  }

  private static void number(StringBuilder sb, double d) {
    if (!Double.isFinite(d)) {
      sb.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      sb.append((long) d);
    } else {
      sb.append(Double.toString(Math.round(d * 1e6) / 1e6));
    }
  }

  private static void object(StringBuilder sb, Map<?, ?> m, int indent) {
    if (m.isEmpty()) {
      sb.append("{}");
      return;
    }
    sb.append("{\n");
    int i = 0;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      pad(sb, indent + 1);
      JsonStrings.quote(sb, String.valueOf(e.getKey()));
      sb.append(": ");
      write(sb, e.getValue(), indent + 1);
      sb.append(++i < m.size() ? ",\n" : "\n");
    }
    pad(sb, indent);
    sb.append('}');
  }

  private static void array(StringBuilder sb, Collection<?> c, int indent) {
    boolean flat =
        c.stream()
            .allMatch(
                x ->
                    x == null
                        || x instanceof Number
                        || x instanceof String
                        || x instanceof Boolean);
    if (flat) {
      sb.append('[');
      int i = 0;
      for (Object x : c) {
        write(sb, x, indent);
        if (++i < c.size()) {
          sb.append(", ");
        }
      }
      sb.append(']');
      return;
    }
    sb.append("[\n");
    int i = 0;
    for (Object x : c) {
      pad(sb, indent + 1);
      write(sb, x, indent + 1);
      sb.append(++i < c.size() ? ",\n" : "\n");
    }
    pad(sb, indent);
    sb.append(']');
  }

  private static void pad(StringBuilder sb, int indent) {
    sb.append("  ".repeat(indent));
  }
}
