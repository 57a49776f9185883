package io.litestream4j.db;

import io.litestream4j.internal.FailureBackoff;
import io.litestream4j.internal.WorkPermits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link Database#sync()} from its own named virtual thread: immediately on a file-change
 * notification, and every monitor interval as a safety net. Errors are retried with exponential
 * backoff (up to 5 minutes) and logged once per failure burst, with a recovery line when the burst
 * ends; a disk-full condition is reported as such.
 *
 * <p>The thread costs nothing while it waits, so a process can monitor thousands of databases; each
 * sync runs under a permit of the shared {@link WorkPermits}, which bounds how many databases sync
 * at once (SQLite calls pin their carrier thread). Given an {@link IdlePoller}, the safety-net poll
 * of an idle database runs on the poller's thread and wakes this one only when the files changed:
 * an idle database then costs no wake-up of its own.
 *
 * <p>Shutdown ({@link #close()}) always finishes: the thread is woken and joined.
 */
public final class DatabaseMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseMonitor.class);

  /**
   * While the read transaction may be on read mark 0 (after a complete checkpoint) every
   * application commit past SQLite's auto-checkpoint threshold (1000 frames) sorts the whole new
   * WAL and gives up, because that reader blocks every backfill: the WAL is polled this often (two
   * {@code stat} calls) so the reader moves to a mark inside the new WAL within a few frames.
   */
  private static final long MARK_ZERO_POLL_MILLIS = 5;

  /** After a failed sync, the least time before a commit may start the next attempt. */
  static final long RETRY_ON_SIGNAL_AFTER_MILLIS = 2_000;

  private static final Duration MARK_ZERO_WATCH = Duration.ofSeconds(1);

  private final Database db;
  private final Duration interval;
  private final long minGapNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Thread thread;
  private final SyncStats stats;
  private final WorkPermits permits;
  private final @Nullable IdlePoller poller;
  private volatile IdlePoller.@Nullable Poll poll;
  private boolean signalled;
  private volatile boolean stopping;

  /** How often the thread woke from waiting, for tests; written by the thread only. */
  private volatile long wakeUps;

  /**
   * @param minSyncGap the least time between two syncs triggered by file-change notifications: zero
   *     syncs on every change (lowest latency); with uploads batched every sync interval, syncing
   *     faster than that only costs the application CPU and produces more files
   */
  public DatabaseMonitor(Database db, Duration minSyncGap) {
    this(db, minSyncGap, WorkPermits.unbounded());
  }

  /** As {@link #DatabaseMonitor(Database, Duration)}, each sync holding one of {@code permits}. */
  public DatabaseMonitor(Database db, Duration minSyncGap, WorkPermits permits) {
    this(db, minSyncGap, permits, null);
  }

  /**
   * As {@link #DatabaseMonitor(Database, Duration, WorkPermits)}, with the safety-net poll made by
   * {@code poller} (null: by this monitor's own thread).
   */
  public DatabaseMonitor(
      Database db, Duration minSyncGap, WorkPermits permits, @Nullable IdlePoller poller) {
    this.db = db;
    this.permits = permits;
    this.stats = db.stats();
    this.interval = db.options().monitorInterval();
    this.minGapNanos = minSyncGap.toNanos();
    this.thread =
        Thread.ofVirtual().name("l4j-sync-" + db.path().getFileName()).unstarted(this::run);
    this.poller = interval.isZero() ? null : poller;
  }

  /** The safety-net poll, on the poller's thread: two {@code stat} calls, no file opened. */
  private boolean idlePollFindsChange() {
    if (db.changedSinceLastSync()) {
      return true;
    }
    stats.recordIdlePoll();
    return false;
  }

  public void start() {
    if (poller != null) {
      poll = poller.register(interval, this::idlePollFindsChange, this::signal);
    }
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
    FailureBackoff backoff = new FailureBackoff(interval);
    long lastSync = System.nanoTime() - minGapNanos;
    long fastPollUntil = System.nanoTime();
    while (!stopping) {
      long backoffMillis = backoff.delayMillis();
      long waitMillis =
          backoffMillis > 0
              ? backoffMillis
              : interval.isZero() || poller != null ? Long.MAX_VALUE : interval.toMillis();
      if (backoffMillis == 0 && db.wantsEarlySync() && System.nanoTime() - fastPollUntil < 0) {
        waitMillis = Math.min(waitMillis, MARK_ZERO_POLL_MILLIS);
      }
      IdlePoller.Poll idle = poll;
      if (idle != null) {
        idle.postpone(); // the poller checks one interval from now unless this thread wakes first
      }
      boolean notified =
          backoffMillis > 0
              ? awaitSignal(Math.min(backoffMillis, RETRY_ON_SIGNAL_AFTER_MILLIS), backoffMillis)
              : awaitSignal(waitMillis);
      wakeUps++;
      if (notified && db.wantsEarlySync()) {
        // The notifier now mutes this database for its quiet period: poll meanwhile.
        fastPollUntil = System.nanoTime() + markZeroWatchNanos();
      }
      if (stopping) {
        break;
      }
      if (!notified && backoffMillis == 0 && !db.changedSinceLastSync()) {
        stats.recordIdlePoll(); // the safety-net poll found nothing: two stat calls, no file opened
        continue;
      }
      if (backoffMillis == 0 && minGapNanos > 0 && !db.wantsEarlySync()) {
        awaitStop(lastSync + minGapNanos); // coalesce a burst of changes into one sync
      }
      if (stopping) {
        break;
      }
      try (WorkPermits.Permit p = permits.acquire()) {
        lastSync = System.nanoTime();
        boolean wasOnMarkZero = db.wantsEarlySync();
        db.sync();
        if (!wasOnMarkZero && db.wantsEarlySync()) {
          fastPollUntil = System.nanoTime() + markZeroWatchNanos(); // a complete checkpoint
        }
        int failures = backoff.succeeded();
        if (failures > 0) {
          LOG.atInfo()
              .addKeyValue("db", db.path())
              .log("sync recovered after {} failed attempts", failures);
        }
      } catch (SyncException e) {
        if (backoff.failed()) {
          if (e.diskFull()) {
            LOG.atError()
                .addKeyValue("db", db.path())
                .log(
                    "disk full while syncing; retrying with backoff until space frees: {}",
                    e.getMessage());
          } else {
            LOG.atError()
                .addKeyValue("db", db.path())
                .setCause(e)
                .log("sync failed; retrying with backoff: {}", e.getMessage());
          }
        }
      }
    }
  }

  /**
   * How long after a complete checkpoint the WAL is polled for the application's next commit. The
   * change notifications of a busy database are muted for a quiet period (about the sync interval)
   * after each one, so without the poll the reader could stay on read mark 0 for that long.
   */
  private long markZeroWatchNanos() {
    return Math.max(MARK_ZERO_WATCH.toNanos(), minGapNanos);
  }

  /** Waits until {@code deadlineNanos} unless stopping; further signals are absorbed. */
  private void awaitStop(long deadlineNanos) {
    lock.lock();
    try {
      long left;
      while (!stopping && (left = deadlineNanos - System.nanoTime()) > 0) {
        wake.awaitNanos(left);
      }
      signalled = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a signal or the timeout ({@link Long#MAX_VALUE}: none); true when signalled. */
  private boolean awaitSignal(long millis) {
    return awaitSignal(0, millis);
  }

  /**
   * Waits at least {@code minMillis} whatever the signals (before a retry: the application's
   * commits would otherwise retry a full disk, and log it, as fast as it writes), then until a
   * signal or until {@code maxMillis} ({@link Long#MAX_VALUE}: no timeout) have passed; true when
   * signalled.
   */
  private boolean awaitSignal(long minMillis, long maxMillis) {
    long start = System.nanoTime();
    lock.lock();
    try {
      long left;
      while (!stopping
          && (left = start + TimeUnit.MILLISECONDS.toNanos(minMillis) - System.nanoTime()) > 0) {
        wake.awaitNanos(left);
      }
      long nanos =
          maxMillis == Long.MAX_VALUE
              ? Long.MAX_VALUE
              : TimeUnit.MILLISECONDS.toNanos(maxMillis) - (System.nanoTime() - start);
      while (!signalled && !stopping && nanos > 0) {
        nanos = wake.awaitNanos(nanos);
      }
      boolean was = signalled;
      signalled = false;
      return was;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** How often the thread woke from waiting (a signal, a timeout), for tests. */
  long wakeUps() {
    return wakeUps;
  }

  /** Tells the thread to stop after the sync in progress, without waiting for it. */
  public void requestStop() {
    stopping = true;
    IdlePoller.Poll p = poll;
    if (p != null) {
      p.cancel();
    }
    signal();
  }

  @Override
  public void close() {
    requestStop();
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
