package io.litestream4j.cli.logging;

import java.util.Map;

/**
 * Litestream's {@code logging.type: text}: Go slog's text handler, one line per event, e.g. {@code
 * time=2026-12-05T12:00:00.123Z level=INFO msg="replicating to s3://b/app" db=/data/app.db}. A
 * value is quoted (Go {@code strconv.Quote} rules: quotes, backslashes and control characters
 * escaped) when it is empty or holds a space, {@code =}, a quote or a non-printable character, so a
 * line always splits back into its keys and values. A stack trace, if any, follows on its own
 * lines.
 */
public final class SlogTextEncoder extends SlogEncoder {
  public SlogTextEncoder(LogTime time, boolean source) {
    super(time, source);
  }

  @Override
  String format(SlogRecord r) {
    StringBuilder b = new StringBuilder(128);
    b.append("time=").append(time().rfc3339(r.time()));
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

  static void appendValue(StringBuilder b, String s) {
    if (!needsQuoting(s)) {
      b.append(s);
      return;
    }
    quote(b, s, c -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : null);
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
