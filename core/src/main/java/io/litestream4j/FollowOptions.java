package io.litestream4j;

import io.litestream4j.replica.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Follower} runs.
 *
 * @param output the follower's database; restored first when missing, resumed when it is a follower
 *     database from an earlier run
 * @param interval how often the replica is polled for new files (Litestream's {@code
 *     -follow-interval})
 * @param listener told about every applied TXID
 * @param force replace an existing database at {@code output} that is not a follower database
 * @param busyTimeout how long an apply waits for readers to finish their read transactions
 * @param retryPolicy for dropped downloads
 */
public record FollowOptions(
    Path output,
    Duration interval,
    FollowListener listener,
    boolean force,
    Duration busyTimeout,
    RetryPolicy retryPolicy) {

  /** Litestream's default {@code -follow-interval}. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  public FollowOptions {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("follow interval must be positive, got " + interval);
    }
  }

  public static FollowOptions of(Path output) {
    return new FollowOptions(
        output,
        DEFAULT_INTERVAL,
        FollowListener.NONE,
        false,
        Duration.ofSeconds(30),
        RetryPolicy.DEFAULT);
  }

  public FollowOptions withInterval(Duration d) {
    return new FollowOptions(output, d, listener, force, busyTimeout, retryPolicy);
  }

  public FollowOptions withListener(FollowListener l) {
    return new FollowOptions(output, interval, l, force, busyTimeout, retryPolicy);
  }

  public FollowOptions withForce(boolean f) {
    return new FollowOptions(output, interval, listener, f, busyTimeout, retryPolicy);
  }

  public FollowOptions withBusyTimeout(Duration d) {
    return new FollowOptions(output, interval, listener, force, d, retryPolicy);
  }

  public FollowOptions withRetryPolicy(RetryPolicy p) {
    return new FollowOptions(output, interval, listener, force, busyTimeout, p);
  }
}
