package io.litestream4j.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of one monitored database, with Litestream's defaults. Values are validated on
 * construction so a running monitor never meets a nonsensical setting.
 *
 * @param monitorInterval how often the WAL is polled when no file-change notification arrives;
 *     {@link Duration#ZERO} disables the poll (notifications only)
 * @param checkpointInterval time-based PASSIVE checkpoint cadence; zero disables it
 * @param minCheckpointPageCount WAL size in pages that triggers a PASSIVE checkpoint
 * @param truncatePageCount WAL size in pages that triggers the emergency TRUNCATE checkpoint; zero
 *     disables it
 * @param busyTimeout SQLite busy timeout of the replicator's own connections
 * @param maxSyncWalBytes upper bound of WAL bytes turned into one L0 file (chunks end on commits)
 */
public record DbOptions(
    Duration monitorInterval,
    Duration checkpointInterval,
    int minCheckpointPageCount,
    int truncatePageCount,
    Duration busyTimeout,
    long maxSyncWalBytes) {

  public static final DbOptions DEFAULTS =
      new DbOptions(
          Duration.ofSeconds(1),
          Duration.ofMinutes(1),
          1000,
          121_359,
          Duration.ofSeconds(1),
          64L << 20);

  public DbOptions {
    Objects.requireNonNull(monitorInterval, "monitorInterval");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    require(!monitorInterval.isNegative(), "monitor-interval must be >= 0, got " + monitorInterval);
    require(
        !checkpointInterval.isNegative(),
        "checkpoint-interval must be >= 0, got " + checkpointInterval);
    require(
        minCheckpointPageCount > 0,
        "min-checkpoint-page-count must be > 0, got " + minCheckpointPageCount);
    require(truncatePageCount >= 0, "truncate-page-n must be >= 0, got " + truncatePageCount);
    require(!busyTimeout.isNegative(), "busy-timeout must be >= 0, got " + busyTimeout);
    require(maxSyncWalBytes > 0, "max-sync-wal-bytes must be > 0, got " + maxSyncWalBytes);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  public DbOptions withMonitorInterval(Duration d) {
    return new DbOptions(
        d,
        checkpointInterval,
        minCheckpointPageCount,
        truncatePageCount,
        busyTimeout,
        maxSyncWalBytes);
  }

  public DbOptions withCheckpointInterval(Duration d) {
    return new DbOptions(
        monitorInterval,
        d,
        minCheckpointPageCount,
        truncatePageCount,
        busyTimeout,
        maxSyncWalBytes);
  }

  public DbOptions withMinCheckpointPageCount(int n) {
    return new DbOptions(
        monitorInterval, checkpointInterval, n, truncatePageCount, busyTimeout, maxSyncWalBytes);
  }

  public DbOptions withTruncatePageCount(int n) {
    return new DbOptions(
        monitorInterval,
        checkpointInterval,
        minCheckpointPageCount,
        n,
        busyTimeout,
        maxSyncWalBytes);
  }

  public DbOptions withBusyTimeout(Duration d) {
    return new DbOptions(
        monitorInterval,
        checkpointInterval,
        minCheckpointPageCount,
        truncatePageCount,
        d,
        maxSyncWalBytes);
  }

  public DbOptions withMaxSyncWalBytes(long n) {
    return new DbOptions(
        monitorInterval,
        checkpointInterval,
        minCheckpointPageCount,
        truncatePageCount,
        busyTimeout,
        n);
  }
}
