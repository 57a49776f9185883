package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.lease.LeaseStore;
import io.litestream4j.replica.lease.Leaser;
import java.io.IOException;
import java.time.Clock;
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

  /**
   * A replicator that stops renewing (killed) blocks others only until its lease expires: writes a
   * 1.5 s lease for {@code killed:1} into {@code store}, checks that {@code attempt} is refused
   * naming that holder, then takes the lease once it has expired.
   */
  public static ReplicaLease fromKilledHolder(LeaseStore store, Attempt attempt, Duration timeout)
      throws Exception {
    new Leaser(store, "killed:1", Duration.ofMillis(1500), Clock.systemUTC()).acquire();
    assertThatThrownBy(attempt::acquire)
        .isInstanceOf(LeaseHeldException.class)
        .hasMessageContaining("killed:1");
    return onceExpired(attempt, timeout);
  }

  /**
   * Checks the lock a first holder writes: it holds the lease as {@code owner}, and the lock is
   * generation 1 with an expiry, in Litestream's field order.
   */
  public static void assertFirstHolder(ReplicaLease lease, String lockJson, String owner) {
    assertThat(lease.held()).isTrue();
    assertThat(lease.owner()).isEqualTo(owner);
    assertThat(lockJson)
        .startsWith("{\"generation\":1,\"expires_at\":\"")
        .endsWith("\",\"owner\":\"" + owner + "\"}");
  }
}
