package io.litestream4j.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** The hand-written log times agree with {@code DateTimeFormatter} in zones of every kind. */
class LogTimeTest {
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  @Test
  void formatsLikeDateTimeFormatterInZonesWithAndWithoutDaylightSavingAndHalfHourOffsets() {
    List<ZoneId> zones =
        List.of(
            ZoneOffset.UTC,
            ZoneId.of("Etc/UTC"),
            ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/St_Johns"),
            ZoneId.of("Asia/Kolkata"),
            ZoneId.of("Pacific/Chatham"),
            ZoneOffset.ofHours(-11));
    Random random = new Random(42);
    for (ZoneId zone : zones) {
      LogTime time = LogTime.in(zone);
      for (int i = 0; i < 2000; i++) {
        // 1970 .. 2100, millisecond precision as logback gives it
        Instant t = Instant.ofEpochMilli((long) (random.nextDouble() * 4_102_444_800_000L));
        assertThat(time.rfc3339(t))
            .as("%s in %s", t, zone)
            .isEqualTo(RFC3339.format(t.atZone(zone)));
        assertThat(time.clock(t)).as("%s in %s", t, zone).isEqualTo(CLOCK.format(t.atZone(zone)));
      }
    }
  }

  @Test
  void paddingAndTheEdgesOfTheDay() {
    LogTime utc = LogTime.in(ZoneOffset.UTC);
    assertThat(utc.rfc3339(Instant.parse("0999-01-02T03:04:05.006Z")))
        .isEqualTo("0999-01-02T03:04:05.006Z");
    assertThat(utc.rfc3339(Instant.parse("2026-12-31T23:59:59.999Z")))
        .isEqualTo("2026-12-31T23:59:59.999Z");
    assertThat(
            LogTime.in(ZoneId.of("America/St_Johns"))
                .rfc3339(Instant.parse("2026-01-01T00:00:00Z")))
        .isEqualTo("2025-12-31T20:30:00.000-03:30");
  }

  @Test
  void theDefaultZoneIsTheJvmsAndUtcByAnyNameIsZ() {
    TimeZone saved = TimeZone.getDefault();
    Instant t = Instant.parse("2026-07-01T12:00:00.5Z");
    try {
      for (String id : List.of("UTC", "Etc/UTC", "GMT", "Etc/Universal", "Zulu")) {
        TimeZone.setDefault(TimeZone.getTimeZone(id));
        assertThat(LogTime.systemDefault().rfc3339(t)).as(id).isEqualTo("2026-07-01T12:00:00.500Z");
      }
      TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
      assertThat(LogTime.systemDefault().rfc3339(t)).isEqualTo("2026-07-01T14:00:00.500+02:00");
    } finally {
      TimeZone.setDefault(saved);
    }
  }
}
