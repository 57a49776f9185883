package io.litestream4j.cli.logging;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.TimeZone;

/**
 * A log line's time the way Go's slog prints it: RFC 3339 with milliseconds and the zone's offset
 * ({@code 2026-12-05T12:00:00.123Z}, {@code 2026-12-05T13:00:00.123+01:00}), or the time of day
 * alone. Written out by hand because every command logs: {@code DateTimeFormatter}'s pattern
 * parsing, and {@code ZoneId.systemDefault()} for the usual UTC host (which finds the tz database's
 * rules provider by a service-loader scan of the class path), cost a short command ~15 ms of
 * start-up (docs/performance.md, session 13). Immutable.
 */
public final class LogTime {
  /** Time zone IDs whose offset is zero for good, as the JVM may name the default zone. */
  private static final Set<String> UTC_IDS =
      Set.of(
          "UTC",
          "Etc/UTC",
          "UCT",
          "Etc/UCT",
          "Universal",
          "Etc/Universal",
          "Zulu",
          "Etc/Zulu",
          "GMT",
          "Etc/GMT",
          "GMT0",
          "Etc/GMT0",
          "Etc/GMT+0",
          "Etc/GMT-0",
          "Greenwich",
          "Etc/Greenwich");

  private final ZoneId zone;

  private LogTime(ZoneId zone) {
    this.zone = zone;
  }

  /** Times in {@code zone}. */
  public static LogTime in(ZoneId zone) {
    return new LogTime(zone);
  }

  /** Times in the JVM's default time zone; a zone that is UTC under another name is UTC. */
  public static LogTime systemDefault() {
    TimeZone tz = TimeZone.getDefault();
    return new LogTime(UTC_IDS.contains(tz.getID()) ? ZoneOffset.UTC : tz.toZoneId());
  }

  /** {@code 2026-12-05T12:00:00.123Z}; years outside 0..9999 as {@code LocalDateTime} has them. */
  public String rfc3339(Instant t) {
    ZoneOffset offset = offset(t);
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), offset);
    StringBuilder b = new StringBuilder(29);
    int year = d.getYear();
    if (year >= 0 && year <= 9999) {
      pad(b, year, 4);
    } else {
      b.append(year);
    }
    b.append('-');
    pad(b, d.getMonthValue(), 2);
    b.append('-');
    pad(b, d.getDayOfMonth(), 2);
    b.append('T');
    appendClock(b, d);
    int seconds = offset.getTotalSeconds();
    if (seconds == 0) {
      return b.append('Z').toString();
    }
    b.append(seconds < 0 ? '-' : '+');
    int abs = Math.abs(seconds);
    pad(b, abs / 3600, 2);
    b.append(':');
    pad(b, abs / 60 % 60, 2);
    return b.toString();
  }

  /** {@code 12:00:00.123}. */
  public String clock(Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), offset(t));
    return appendClock(new StringBuilder(12), d).toString();
  }

  private ZoneOffset offset(Instant t) {
    return zone instanceof ZoneOffset fixed ? fixed : zone.getRules().getOffset(t);
  }

  private static StringBuilder appendClock(StringBuilder b, LocalDateTime d) {
    pad(b, d.getHour(), 2);
    b.append(':');
    pad(b, d.getMinute(), 2);
    b.append(':');
    pad(b, d.getSecond(), 2);
    b.append('.');
    pad(b, d.getNano() / 1_000_000, 3);
    return b;
  }

  private static void pad(StringBuilder b, int value, int width) {
    for (int limit = 10, i = 1; i < width; i++, limit *= 10) {
      if (value < limit) {
        b.append('0');
      }
    }
    b.append(value);
  }
}
