package io.litestream4j.store;

import java.time.Duration;

/**
 * A cadence aligned to the wall clock: its boundaries are the multiples of the interval since the
 * Unix epoch (UTC), so a 24h schedule fires at UTC midnight and a 5m one at :00, :05, ... on every
 * host alike, and a restart does not shift it.
 */
record Schedule(Duration interval) {
  Schedule {
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("schedule interval must be at least 1ms, got " + interval);
    }
  }

  /** The latest boundary at or before {@code nowMillis}. */
  long previousBoundary(long nowMillis) {
    long i = interval.toMillis();
    return Math.floorDiv(nowMillis, i) * i;
  }

  /** The first boundary strictly after {@code nowMillis}. */
  long nextBoundary(long nowMillis) {
    return previousBoundary(nowMillis) + interval.toMillis();
  }
}
