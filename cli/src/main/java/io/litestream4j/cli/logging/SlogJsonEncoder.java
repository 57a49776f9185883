package io.litestream4j.cli.logging;

import java.util.Map;

/**
 * Litestream's {@code logging.type: json}: Go slog's JSON handler, one object per line with {@code
 * time}, {@code level}, {@code msg} and then every key-value attribute, e.g. {@code
 * {"time":"2026-12-05T12:00:00.123Z","level":"INFO","msg":"replicating","db":"/data/app.db"}}.
 * Numbers and booleans stay JSON numbers and booleans; everything else is a string. A stack trace
 * goes into {@code "stack"} so the line stays one object.
 */
public final class SlogJsonEncoder extends SlogEncoder {
  public SlogJsonEncoder(LogTime time, boolean source) {
    super(time, source);
  }

  @Override
  String format(SlogRecord r) {
    StringBuilder b = new StringBuilder(160);
    b.append("{\"time\":");
    string(b, time().rfc3339(r.time()));
    b.append(",\"level\":");
    string(b, r.level());
    b.append(",\"msg\":");
    string(b, r.msg());
    for (Map.Entry<String, Object> a : r.attrs()) {
      b.append(',');
      string(b, a.getKey());
      b.append(':');
      Object v = a.getValue();
      if ((v instanceof Long
          || v instanceof Integer
          || v instanceof Short
          || v instanceof Byte
          || v instanceof Boolean)) {
        b.append(v);
      } else if (v instanceof Double d && Double.isFinite(d)
          || v instanceof Float f && Float.isFinite(f)) {
        b.append(v);
      } else {
        string(b, String.valueOf(v));
      }
    }
    if (!r.stackTrace().isEmpty()) {
      b.append(",\"stack\":");
      string(b, r.stackTrace());
    }
    b.append("}\n");
    return b.toString();
  }

  /** A JSON string as Go's encoder writes it (U+2028 and U+2029 escaped too). */
  static void string(StringBuilder b, String s) {
    quote(b, s, c -> c < 0x20 || c == 0x2028 || c == 0x2029 ? String.format("\\u%04x", c) : null);
  }
}
