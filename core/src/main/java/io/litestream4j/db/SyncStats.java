package io.litestream4j.db;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
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
  private final AtomicLong reopenings = new AtomicLong();
  private final Map<FullFileReason, AtomicLong> fullFiles = new EnumMap<>(FullFileReason.class);

  SyncStats() {
    for (FullFileReason r : FullFileReason.values()) {
      fullFiles.put(r, new AtomicLong());
    }
  }

  void recordFullFile(FullFileReason reason) {
    fullFiles.get(reason).incrementAndGet();
  }

  void recordReopening() {
    reopenings.incrementAndGet();
  }

  /**
   * Full level-0 files (every page of the database) written so far, by reason label ({@link
   * FullFileReason#label()}); reasons that never occurred are left out.
   */
  public Map<String, Long> fullL0Files() {
    Map<String, Long> out = new LinkedHashMap<>();
    fullFiles.forEach(
        (r, n) -> {
          if (n.get() > 0) {
            out.put(r.label(), n.get());
          }
        });
    return out;
  }

  /** Full level-0 files written for a reason other than the first sync. */
  public long unexpectedFullL0Files() {
    long n = 0;
    for (var e : fullFiles.entrySet()) {
      if (!e.getKey().expected()) {
        n += e.getValue().get();
      }
    }
    return n;
  }

  /**
   * Times the replicator found the database, WAL or shared-memory file deleted or replaced behind
   * SQLite's back and reopened its connections.
   */
  public long reopenings() {
    return reopenings.get();
  }

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

  // Checkpoints by mode, for Litestream's litestream_checkpoint_count/_error_count/_seconds.
  private final java.util.Map<CheckpointMode, AtomicLong[]> checkpoints = initCheckpoints();

  private static java.util.Map<CheckpointMode, AtomicLong[]> initCheckpoints() {
    java.util.Map<CheckpointMode, AtomicLong[]> m = new java.util.EnumMap<>(CheckpointMode.class);
    for (CheckpointMode mode : CheckpointMode.values()) {
      m.put(mode, new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong()});
    }
    return m;
  }

  void recordCheckpoint(CheckpointMode mode, long nanos, boolean ok) {
    AtomicLong[] c = checkpoints.get(mode);
    c[ok ? 0 : 1].incrementAndGet();
    c[2].addAndGet(nanos);
  }

  /**
   * Checkpoints run so far (each {@code PRAGMA wal_checkpoint}), by mode.
   *
   * @param count successful checkpoints (a busy one included: SQLite reports it, it is no error)
   * @param errors checkpoints that failed
   * @param nanos time spent in all of them
   */
  public record Checkpoints(long count, long errors, long nanos) {}

  public java.util.Map<CheckpointMode, Checkpoints> checkpoints() {
    java.util.Map<CheckpointMode, Checkpoints> out = new java.util.EnumMap<>(CheckpointMode.class);
    checkpoints.forEach(
        (mode, c) -> out.put(mode, new Checkpoints(c[0].get(), c[1].get(), c[2].get())));
    return out;
  }

  // WAL bytes copied into L0 files, for Litestream's litestream_total_wal_bytes.
  private final AtomicLong walBytes = new AtomicLong();

  void recordWalBytes(long n) {
    walBytes.addAndGet(n);
  }

  /** WAL bytes (frames with their headers) copied into incremental L0 files so far. */
  public long walBytes() {
    return walBytes.get();
  }
}
