package io.litestream4j.replica;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Timestamps as Go's {@code time.RFC3339Nano} writes them ({@code 2024-05-06T07:08:09.12Z}: UTC,
 * fraction with trailing zeros dropped, none when whole seconds), which is how Litestream stores
 * the LTX header timestamp in object metadata ({@code litestream-timestamp} on S3, OSS and GCS,
 * {@code litestreamtimestamp} on Azure) and the S3 lease expiry. Shared by every object-store
 * backend so they all write the same text. Parsing accepts any RFC 3339 offset and fraction length.
 */
public final class RfcTimestamps {

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private RfcTimestamps() {}

  public static String format(Instant t) {
    LocalDateTime utc = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    var sb = new StringBuilder(SECONDS.format(utc));
    int nanos = utc.getNano();
    if (nanos != 0) {
      String fraction = "%09d".formatted(nanos);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(fraction, 0, end);
    }
    return sb.append('Z').toString();
  }

  /**
   * The timestamp {@code raw} holds if it parses, else the first of {@code fallbacks} present (an
   * object's creation or modification time, for objects written by other tools), else the epoch.
   */
  public static Instant parseOr(@Nullable String raw, @Nullable TemporalAccessor... fallbacks) {
    Optional<Instant> ts = parse(raw);
    if (ts.isPresent()) {
      return ts.get();
    }
    for (TemporalAccessor t : fallbacks) {
      if (t != null) {
        return Instant.from(t);
      }
    }
    return Instant.EPOCH;
  }

  public static Optional<Instant> parse(@Nullable String s) {
    if (s == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          OffsetDateTime.parse(s.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
