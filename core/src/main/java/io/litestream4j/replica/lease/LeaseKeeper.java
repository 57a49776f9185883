package io.litestream4j.replica.lease;

import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.ReplicaLease;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held lease kept alive by a named background thread until closed.
 *
 * <p>Renews every {@code renewInterval}. If a renewal is refused because the lock changed, the
 * lease is lost for good: logged at ERROR, reported once to {@code onLost}. If renewals fail for
 * other reasons (network), it keeps trying every second. Once the lease expires meanwhile it has
 * <b>lapsed</b>: {@link #held()} is false, which fences the client's writes, but it is not lost.
 * The next renewal is still conditional on the version this replicator wrote, so it succeeds only
 * if no other replicator took the lease over meanwhile (a takeover changes the version): then
 * writes resume; otherwise the lease is lost. An outage longer than the lease's lifetime thus holds
 * replication back instead of ending it.
 */
public final class LeaseKeeper implements ReplicaLease {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private final Leaser leaser;
  private final Clock clock;
  private final Duration renewInterval;
  private final Consumer<? super LeaseLostException> onLost;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Thread thread;

  private Leaser.Held current;
  private @Nullable LeaseLostException lost;
  private boolean closed;

  /** Renewals are failing; written by the renewing thread only. */
  private boolean failing;

  /** It expired while renewals failed; written by the renewing thread only. */
  private boolean lapsed;

  private LeaseKeeper(
      Leaser leaser,
      Leaser.Held held,
      Clock clock,
      Duration renewInterval,
      Consumer<? super LeaseLostException> onLost) {
    this.leaser = leaser;
    this.current = held;
    this.clock = clock;
    this.renewInterval = renewInterval;
    this.onLost = onLost;
    this.thread = Thread.ofVirtual().name("l4j-lease-" + leaser.location()).unstarted(this::run);
  }

  /** Acquires the lease and starts renewing it. */
  public static LeaseKeeper start(
      Leaser leaser,
      Clock clock,
      Duration renewInterval,
      Consumer<? super LeaseLostException> onLost)
      throws IOException {
    Leaser.Held held = leaser.acquire();
    LOG.info(
        "acquired lease {} as {} (generation {}, expires {})",
        leaser.location(),
        leaser.owner(),
        held.record().generation(),
        held.record().expiresAt());
    LeaseKeeper keeper = new LeaseKeeper(leaser, held, clock, renewInterval, onLost);
    keeper.thread.start();
    return keeper;
  }

  @Override
  public String owner() {
    return leaser.owner();
  }

  @Override
  public Instant expiresAt() {
    lock.lock();
    try {
      return current.record().expiresAt();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean held() {
    lock.lock();
    try {
      return lost == null && !closed && clock.instant().isBefore(current.record().expiresAt());
    } finally {
      lock.unlock();
    }
  }

  /** Throws unless the lease is held: the fence in front of every write. */
  public void checkHeld(String action) throws LeaseLostException {
    lock.lock();
    try {
      if (lost != null) {
        throw new LeaseLostException("refusing to " + action + ": " + lost.getMessage(), lost);
      }
      if (closed) {
        throw new LeaseLostException(
            "refusing to "
                + action
                + ": the lease "
                + leaser.location()
                + " was released; acquire it again before writing");
      }
      if (!clock.instant().isBefore(current.record().expiresAt())) {
        throw new LeaseLostException(
            "refusing to "
                + action
                + ": the lease "
                + leaser.location()
                + " lapsed at "
                + current.record().expiresAt()
                + " because it could not be renewed; writing resumes once it is");
      }
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    Duration wait = renewInterval;
    while (true) {
      Leaser.Held held;
      lock.lock();
      try {
        long deadline = System.nanoTime() + wait.toNanos();
        long left;
        while (!closed && (left = deadline - System.nanoTime()) > 0) {
          wake.awaitNanos(left);
        }
        if (closed) {
          return;
        }
        held = current;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      try {
        Leaser.Held renewed = leaser.renew(held);
        lock.lock();
        try {
          current = renewed;
        } finally {
          lock.unlock();
        }
        // A renewal that took long (the client retrying through an outage) wrote an expiry counted
        // from when it started: renew again well before that one runs out.
        Duration left = Duration.between(clock.instant(), renewed.record().expiresAt());
        wait = left.dividedBy(3).compareTo(renewInterval) < 0 ? left.dividedBy(3) : renewInterval;
        if (lapsed) {
          LOG.info(
              "lease {} renewed after it lapsed: no other replicator took it over; writes resume",
              leaser.location());
        } else if (failing) {
          LOG.info("lease {} renewed again", leaser.location());
        }
        failing = false;
        lapsed = false;
      } catch (LeaseLostException e) {
        markLost(e);
        return;
      } catch (IOException | RuntimeException e) {
        if (!lapsed && !clock.instant().isBefore(held.record().expiresAt())) {
          lapsed = true;
          LOG.error(
              "lease {} lapsed at {}: it could not be renewed ({}); writes to the replica wait until"
                  + " it is, which succeeds unless another replicator took it over meanwhile",
              leaser.location(),
              held.record().expiresAt(),
              e.getMessage());
        } else if (!failing) {
          LOG.warn(
              "cannot renew lease {} (expires {}); retrying every second: {}",
              leaser.location(),
              held.record().expiresAt(),
              e.getMessage());
        }
        failing = true;
        wait = RETRY_DELAY.compareTo(renewInterval) < 0 ? RETRY_DELAY : renewInterval;
      }
    }
  }

  private void markLost(LeaseLostException e) {
    lock.lock();
    try {
      if (closed || lost != null) {
        return;
      }
      lost = e;
    } finally {
      lock.unlock();
    }
    LOG.error("REPLICATION MUST STOP: {}", e.getMessage());
    try {
      onLost.accept(e);
    } catch (RuntimeException callbackFailure) {
      LOG.error("lease-lost callback failed", callbackFailure);
    }
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Leaser.Held held;
    lock.lock();
    try {
      held = lost == null ? current : null;
    } finally {
      lock.unlock();
    }
    if (held != null) {
      leaser.release(held);
      LOG.info("released lease {}", leaser.location());
    }
  }
}
