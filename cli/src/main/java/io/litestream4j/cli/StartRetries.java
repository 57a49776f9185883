package io.litestream4j.cli;

import io.litestream4j.AlreadyReplicatingException;
import io.litestream4j.DirectoryReplication;
import io.litestream4j.config.DbConfig;
import io.litestream4j.replica.LeaseHeldException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps trying to start the databases whose replication could not start with the daemon (an object
 * store or network that is down while the host boots, a replica directory not mounted yet), so one
 * unreachable replica neither keeps the application ({@code -exec}) from starting nor stops the
 * other databases — as Litestream, which retries a replica's failures in the background.
 *
 * <p>Only I/O failures are retried; a replica whose lease another live replicator holds and
 * configuration errors stay fatal. Until a database starts, nothing follows its WAL, so the
 * application's checkpoints may pass frames by: the start then makes a fresh snapshot, and the
 * transactions in between are restorable only as part of it.
 *
 * <p>Guarantees: each retry thread ({@code l4j-start-retry-<db>}) waits 1 s, then twice as long
 * each time, at most {@link #MAX_DELAY}, and logs every failure. {@link #close} stops them before
 * the replicator shuts down, so no replication is added during the shutdown: it interrupts the
 * waits and attempts and waits up to {@link #CLOSE_WAIT} for an attempt stuck in a call that
 * ignores interrupts (its virtual thread cannot keep the process alive).
 */
final class StartRetries implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StartRetries.class);
  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofMinutes(1);
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final DirectoryReplication.Starter attempt;
  private final List<Thread> threads = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  StartRetries(DirectoryReplication.Starter attempt) {
    this.attempt = attempt;
  }

  /** Whether a failed start is worth retrying (as opposed to a mistake only the user can fix). */
  static boolean retryable(Exception failure) {
    return failure instanceof IOException
        && !(failure instanceof LeaseHeldException)
        && !(failure instanceof AlreadyReplicatingException);
  }

  /** Retries {@code db}, whose first start failed with {@code failure}, until it starts. */
  synchronized void retry(DbConfig db, Exception failure) {
    if (closed) {
      return;
    }
    LOG.atError()
        .addKeyValue("db", db.identifier())
        .log(
            "cannot start replicating: {}; the other databases and the application go on, and"
                + " this one is retried in the background",
            failure.getMessage());
    threads.add(
        Thread.ofVirtual() // a thousand databases down at boot must not cost a thousand threads
            .name("l4j-start-retry-" + db.identifier().getFileName())
            .start(() -> retryUntilStarted(db)));
  }

  private void retryUntilStarted(DbConfig db) {
    Duration delay = FIRST_DELAY;
    for (int n = 2; ; n++) {
      try {
        Thread.sleep(delay);
        attempt.start(db);
        LOG.atInfo().addKeyValue("db", db.identifier()).log("replication started (attempt {})", n);
        return;
      } catch (InterruptedException e) {
        return; // closed
      } catch (Exception e) {
        if (Thread.currentThread().isInterrupted() || isClosed()) {
          return;
        }
        if (!retryable(e)) {
          LOG.atError()
              .addKeyValue("db", db.identifier())
              .log("cannot start replicating, giving up: {}", e.getMessage());
          return;
        }
        delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        LOG.atError()
            .addKeyValue("db", db.identifier())
            .log(
                "cannot start replicating (attempt {}): {}; next attempt in {} s",
                n,
                e.getMessage(),
                delay.toSeconds());
      }
    }
  }

  /**
   * Takes over a first start that is still running when the daemon goes on without it (a replica
   * slow to answer): it counts as pending and is stopped by {@link #close} like a retry.
   */
  synchronized void adopt(Thread start) {
    threads.add(start);
    if (closed) {
      start.interrupt();
    }
  }

  /** How many databases are still waiting for a successful start. */
  synchronized long pending() {
    return threads.stream().filter(Thread::isAlive).count();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    List<Thread> running;
    synchronized (this) {
      closed = true;
      running = List.copyOf(threads);
    }
    running.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    for (Thread t : running) {
      try {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
