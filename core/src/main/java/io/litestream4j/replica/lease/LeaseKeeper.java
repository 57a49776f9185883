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
 * lease is lost at once. If renewals fail for other reasons (network), it keeps trying every second
 * and counts the lease as lost when it expires, since another replicator may then take it over.
 * Either way the loss is logged at ERROR and reported once to {@code onLost}, and {@link #held()}
 * turns false, which fences the client's writes.
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
                + " expired at "
                + current.record().expiresAt()
                + " because it could not be renewed");
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
        wait = renewInterval;
      } catch (LeaseLostException e) {
        markLost(e);
        return;
      } catch (IOException | RuntimeException e) {
        if (!clock.instant().isBefore(held.record().expiresAt())) {
          markLost(
              new LeaseLostException(
                  "lease "
                      + leaser.location()
                      + " expired at "
                      + held.record().expiresAt()
                      + " because it could not be renewed: "
                      + e.getMessage()
                      + "; another replicator may have taken over, so this one stops",
                  e));
          return;
        }
        LOG.warn(
            "cannot renew lease {} (expires {}); retrying: {}",
            leaser.location(),
            held.record().expiresAt(),
            e.getMessage());
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
