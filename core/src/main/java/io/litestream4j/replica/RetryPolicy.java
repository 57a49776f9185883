package io.litestream4j.replica;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a dropped replica download is resumed: at most {@code maxRetries}
 * consecutive failures, waiting {@code baseDelay * 2^n} before retry {@code n} (0-based).
 *
 * <p>A non-zero delay matters: providers that shed load (HTTP 408/503) keep refusing for a while,
 * and immediate retries would all land inside the same throttle window. The {@link Sleeper} is
 * injectable so tests need not wait.
 */
public record RetryPolicy(int maxRetries, Duration baseDelay, Sleeper sleeper) {

  /** Three retries after 250 ms, 500 ms and 1 s, sleeping on the calling thread. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofMillis(250), Sleeper.THREAD);

  public RetryPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    Objects.requireNonNull(baseDelay, "baseDelay");
    if (baseDelay.isNegative()) {
      throw new IllegalArgumentException("baseDelay must be >= 0, got " + baseDelay);
    }
    Objects.requireNonNull(sleeper, "sleeper");
  }

  /** The wait before the retry with the given 0-based index. */
  public Duration delayBefore(int retry) {
    return baseDelay.multipliedBy(1L << Math.min(retry, 30));
  }

  /** Waits between attempts; {@link #THREAD} really sleeps. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper THREAD = duration -> Thread.sleep(duration);

    void sleep(Duration duration) throws InterruptedException;
  }
}
