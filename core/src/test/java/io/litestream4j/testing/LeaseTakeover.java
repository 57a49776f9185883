package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.ReplicaLease;
import java.io.IOException;
import java.time.Duration;

/**
 * Taking over the lease of a replicator that stopped renewing it (killed), as the lease tests of
 * every backend do against their real server: refused while the lease is live, taken once it has
 * expired.
 */
public final class LeaseTakeover {
  private LeaseTakeover() {}

  /** One attempt to take the lease. */
  @FunctionalInterface
  public interface Attempt {
    ReplicaLease acquire() throws IOException;
  }

  /**
   * Tries every 100 ms until the lease is taken; fails the test if it is still held after {@code
   * timeout}.
   */
  public static ReplicaLease onceExpired(Attempt attempt, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return attempt.acquire();
      } catch (LeaseHeldException stillLive) {
        assertThat(System.nanoTime()).as("lease never expired").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }
}
