package io.litestream4j.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Litestream's {@code logging.type: text}: Go slog's text handler, one line per event, e.g.
 * {@code time=2026-12-05T12:00:00.123Z level=INFO msg="replicating to s3://b/app" db=/data/app.db}.
 * A value is quoted (Go {@code strconv.Quote} rules: quotes, backslashes and control characters
 * escaped) when it is empty or holds a space, {@code =}, a quote or a non-printable character, so a
 * line always splits back into its keys and values. A stack trace, if any, follows on its own lines.
 */
public final class SlogTextEncoder extends EncoderBase<ILoggingEvent> {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  private final ZoneId zone;
  private final boolean source;

  public SlogTextEncoder(ZoneId zone, boolean source) {
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
    StringBuilder b = new StringBuilder(128);
    b.append("time=").append(TIME.format(r.time().atZone(zone)));
    b.append(" level=").append(r.level());
    b.append(" msg=");
    appendValue(b, r.msg());
    for (Map.Entry<String, Object> a : r.attrs()) {
      b.append(' ');
      appendValue(b, a.getKey());
      b.append('=');
      appendValue(b, String.valueOf(a.getValue()));
    }
    b.append('\n');
    if (!r.stackTrace().isEmpty()) {
      b.append(r.stackTrace());
    }
    return b.toString();
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  static void appendValue(StringBuilder b, String s) {
    if (!needsQuoting(s)) {
      b.append(s);
      return;
    }
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
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  static boolean needsQuoting(String s) {
    if (s.isEmpty()) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f || Character.isSpaceChar(c)) {
        return true;
      }
    }
    return false;
  }
}
