package io.litestream4j.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that only moves when the test says so. */
final class ManualClock extends Clock {
  private volatile long millis;

  ManualClock(Instant start) {
    this.millis = start.toEpochMilli();
  }

  void advance(Duration d) {
    millis += d.toMillis();
  }

  void set(Instant t) {
    millis = t.toEpochMilli();
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
