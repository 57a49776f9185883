package io.litestream4j.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * What Litestream's three log formats have in common: an event becomes one {@link SlogRecord} (with
 * the caller's source location when asked for), formatted as UTF-8 text with no header or footer,
 * its time shown in one zone. Subclasses only lay the record out.
 */
abstract sealed class SlogEncoder extends EncoderBase<ILoggingEvent>
    permits SlogJsonEncoder, SlogTextEncoder, SlogPrettyEncoder {
  private final LogTime time;
  private final boolean source;

  SlogEncoder(LogTime time, boolean source) {
    this.time = time;
    this.source = source;
  }

  /** The record as one log entry, ending in a newline. */
  abstract String format(SlogRecord r);

  @Override
  public final byte @Nullable [] headerBytes() {
    return null;
  }

  @Override
  public final byte[] encode(ILoggingEvent event) {
    return format(SlogRecord.of(event, source)).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public final byte @Nullable [] footerBytes() {
    return null;
  }

  /** How this encoder's zone shows times. */
  final LogTime time() {
    return time;
  }

  /**
   * Appends {@code s} between double quotes with the escapes Go's JSON and {@code strconv.Quote}
   * share ({@code \" \\ \n \r \t}); any other character is escaped as {@code other} says, or kept
   * when it says {@code null}.
   */
  static void quote(StringBuilder b, String s, IntFunction<String> other) {
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
          String escaped = other.apply(c);
          if (escaped != null) {
            b.append(escaped);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
