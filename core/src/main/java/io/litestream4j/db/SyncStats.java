package io.litestream4j.db;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters a monitor keeps about its syncs, readable from any thread (status output, metrics,
 * tests). Disk-full is a gauge: 1 while the last attempt failed for lack of space.
 */
public final class SyncStats {
  private final AtomicLong successes = new AtomicLong();
  private final AtomicLong idlePolls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong diskFullFailures = new AtomicLong();
  private volatile boolean diskFull;
  private volatile long lastSuccessMillis;

  void recordSuccess() {
    successes.incrementAndGet();
    diskFull = false;
    lastSuccessMillis = System.currentTimeMillis();
  }

  void recordIdlePoll() {
    idlePolls.incrementAndGet();
  }

  void recordFailure(boolean isDiskFull) {
    failures.incrementAndGet();
    diskFull = isDiskFull;
    if (isDiskFull) {
      diskFullFailures.incrementAndGet();
    }
  }

  public long successes() {
    return successes.get();
  }

  /** Polls that found the files unchanged and so did not sync. */
  public long idlePolls() {
    return idlePolls.get();
  }

  public long failures() {
    return failures.get();
  }

  public long diskFullFailures() {
    return diskFullFailures.get();
  }

  public boolean diskFull() {
    return diskFull;
  }

  public long lastSuccessMillis() {
    return lastSuccessMillis;
  }

  // Sync time, for Litestream's litestream_sync_seconds metric (added by the ops module).
  private final AtomicLong syncNanos = new AtomicLong();

  void recordSyncTime(long nanos) {
    syncNanos.addAndGet(nanos);
  }

  /** Time spent in syncs, successful or not (Litestream's {@code litestream_sync_seconds}). */
  public long syncNanos() {
    return syncNanos.get();
  }
}
