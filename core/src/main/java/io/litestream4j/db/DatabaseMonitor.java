package io.litestream4j.db;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link Database#sync()} from its own named thread: immediately on a file-change
 * notification, and every monitor interval as a safety net. Errors are retried with exponential
 * backoff (up to 5 minutes) and logged once per failure burst, with a recovery line when the
 * burst ends; a disk-full condition is reported as such.
 *
 * <p>Shutdown ({@link #close()}) always finishes: the thread is woken and joined.
 */
public final class DatabaseMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseMonitor.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final Database db;
  private final Duration interval;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Thread thread;
  private final SyncStats stats;
  private boolean signalled;
  private volatile boolean stopping;

  public DatabaseMonitor(Database db, SyncStats stats) {
    this.db = db;
    this.stats = stats;
    this.interval = db.options().monitorInterval();
    this.thread = Thread.ofPlatform().name("l4j-sync-" + db.path().getFileName()).daemon(true).unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** Requests a sync as soon as possible; cheap and safe from any thread. */
  public void signal() {
    lock.lock();
    try {
      signalled = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    long backoffMillis = 0;
    int failures = 0;
    while (!stopping) {
      awaitSignal(backoffMillis > 0 ? backoffMillis : interval.isZero() ? Long.MAX_VALUE : interval.toMillis());
      if (stopping) {
        break;
      }
      try {
        db.sync();
        if (failures > 0) {
          LOG.info("{}: sync recovered after {} failed attempts", db.path(), failures);
        }
        failures = 0;
        backoffMillis = 0;
        stats.recordSuccess();
      } catch (SyncException e) {
        failures++;
        stats.recordFailure(e.diskFull());
        if (failures == 1) {
          if (e.diskFull()) {
            LOG.error("{}: disk full while syncing; retrying with backoff until space frees: {}", db.path(), e.getMessage());
          } else {
            LOG.error("{}: sync failed; retrying with backoff: {}", db.path(), e.getMessage(), e);
          }
        }
        long base = Math.max(interval.toMillis(), 100);
        backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis == 0 ? base : backoffMillis * 2);
      }
    }
  }

  private void awaitSignal(long millis) {
    lock.lock();
    try {
      long nanos = millis == Long.MAX_VALUE ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(millis);
      while (!signalled && !stopping && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
      signalled = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    stopping = true;
    signal();
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
