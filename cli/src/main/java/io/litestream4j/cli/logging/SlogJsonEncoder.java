package io.litestream4j.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Map;

/**
 * Litestream's {@code logging.type: json}: Go slog's JSON handler, one object per line with
 * {@code time}, {@code level}, {@code msg} and then every key-value attribute, e.g.
 * {@code {"time":"2026-12-05T12:00:00.123Z","level":"INFO","msg":"replicating","db":"/data/app.db"}}.
 * Numbers and booleans stay JSON numbers and booleans; everything else is a string. A stack trace
 * goes into {@code "stack"} so the line stays one object.
 */
public final class SlogJsonEncoder extends EncoderBase<ILoggingEvent> {
  private final ZoneId zone;
  private final boolean source;

  public SlogJsonEncoder(ZoneId zone, boolean source) {
    this.zone = zone;
    this.source = source;
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return format(SlogRecord.of(event, source)).getBytes(StandardCharsets.UTF_8);
  }

  String format(SlogRecord r) {
    StringBuilder b = new StringBuilder(160);
    b.append("{\"time\":");
    string(b, SlogTextEncoder.TIME.format(r.time().atZone(zone)));
    b.append(",\"level\":");
    string(b, r.level());
    b.append(",\"msg\":");
    string(b, r.msg());
    for (Map.Entry<String, Object> a : r.attrs()) {
      b.append(',');
      string(b, a.getKey());
      b.append(':');
      Object v = a.getValue();
      if ((v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof Boolean)) {
        b.append(v);
      } else if (v instanceof Double d && Double.isFinite(d) || v instanceof Float f && Float.isFinite(f)) {
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

  @Override
  public byte[] footerBytes() {
    return null;
  }

  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
