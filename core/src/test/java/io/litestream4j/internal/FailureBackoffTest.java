package io.litestream4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureBackoffTest {
  @Test
  void doublesFromTheIntervalUpToFiveMinutesAndResetsOnSuccess() {
    FailureBackoff b = new FailureBackoff(Duration.ofSeconds(1));
    assertThat(b.delayMillis()).isZero();
    assertThat(b.failed()).as("first failure of a burst is logged").isTrue();
    assertThat(b.delayMillis()).isEqualTo(1000);
    assertThat(b.failed()).as("later failures are not").isFalse();
    assertThat(b.delayMillis()).isEqualTo(2000);
    for (int i = 0; i < 20; i++) {
      b.failed();
    }
    assertThat(b.delayMillis()).isEqualTo(Duration.ofMinutes(5).toMillis());
    assertThat(b.succeeded()).as("failures of the burst that ended").isEqualTo(22);
    assertThat(b.delayMillis()).isZero();
    assertThat(b.succeeded()).as("no burst").isZero();
    assertThat(b.failed()).as("a new burst is logged again").isTrue();
    assertThat(b.delayMillis()).isEqualTo(1000);
  }

  @Test
  void aZeroIntervalStillWaitsAtLeastOneHundredMilliseconds() {
    FailureBackoff b = new FailureBackoff(Duration.ZERO);
    b.failed();
    assertThat(b.delayMillis()).isEqualTo(100);
  }
}
