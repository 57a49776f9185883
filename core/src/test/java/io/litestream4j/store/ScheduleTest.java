package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void boundariesAreMultiplesOfTheIntervalSinceTheEpoch() {
    Schedule daily = new Schedule(Duration.ofHours(24));
    long noon = Instant.parse("2026-03-04T12:34:56.789Z").toEpochMilli();
    assertThat(Instant.ofEpochMilli(daily.previousBoundary(noon)))
        .isEqualTo(Instant.parse("2026-03-04T00:00:00Z"));
    assertThat(Instant.ofEpochMilli(daily.nextBoundary(noon)))
        .isEqualTo(Instant.parse("2026-03-05T00:00:00Z"));

    Schedule fiveMinutes = new Schedule(Duration.ofMinutes(5));
    long onBoundary = Instant.parse("2026-03-04T12:35:00Z").toEpochMilli();
    assertThat(fiveMinutes.previousBoundary(onBoundary)).isEqualTo(onBoundary);
    assertThat(Instant.ofEpochMilli(fiveMinutes.nextBoundary(onBoundary)))
        .isEqualTo(Instant.parse("2026-03-04T12:40:00Z"));
    assertThat(Instant.ofEpochMilli(fiveMinutes.nextBoundary(onBoundary - 1)))
        .isEqualTo(Instant.parse("2026-03-04T12:35:00Z"));
  }

  @Test
  void rejectsIntervalsBelowOneMillisecond() {
    assertThatThrownBy(() -> new Schedule(Duration.ofNanos(10)))
        .hasMessageContaining("at least 1ms");
  }
}
