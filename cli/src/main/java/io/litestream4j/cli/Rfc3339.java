package io.litestream4j.cli;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps in Litestream's output format, Go's {@code time.RFC3339} in UTC: {@code
 * 2025-01-02T03:04:05Z}.
 */
final class Rfc3339 {
  private Rfc3339() {}

  static String format(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }
}
