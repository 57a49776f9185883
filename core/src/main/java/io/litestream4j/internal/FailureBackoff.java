package io.litestream4j.internal;

import java.time.Duration;

/**
 * The retry rhythm every background loop of a database shares (sync, upload): after a failure the
 * loop waits its interval (at least 100 ms), doubling with each further failure up to 5 minutes,
 * and goes back to its normal rhythm after the first success. It also tells the loop when to log,
 * so a failure burst produces one error line and one recovery line, not one per attempt.
 *
 * <p>Not thread-safe: owned by the one thread that runs the loop.
 */
public final class FailureBackoff {
  static final long MIN_MILLIS = 100;
  static final long MAX_MILLIS = Duration.ofMinutes(5).toMillis();

  private final long baseMillis;
  private long delayMillis;
  private int failures;

  /**
   * @param interval the loop's normal interval: the first delay after a failure
   */
  public FailureBackoff(Duration interval) {
    this.baseMillis = Math.min(MAX_MILLIS, Math.max(interval.toMillis(), MIN_MILLIS));
  }

  /**
   * Records a failed attempt and lengthens the delay.
   *
   * @return true for the first failure of a burst: the one to log
   */
  public boolean failed() {
    failures++;
    delayMillis = delayMillis == 0 ? baseMillis : Math.min(MAX_MILLIS, delayMillis * 2);
    return failures == 1;
  }

  /**
   * Records a successful attempt, which ends any burst.
   *
   * @return how many attempts failed in the burst that just ended; 0 when there was none
   */
  public int succeeded() {
    int ended = failures;
    failures = 0;
    delayMillis = 0;
    return ended;
  }

  /** How long to wait before the next attempt; 0 when the last attempt succeeded. */
  public long delayMillis() {
    return delayMillis;
  }
}
