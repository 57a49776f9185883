package io.litestream4j.server;

import io.litestream4j.SyncStatistics;
import io.litestream4j.store.L0RetentionScan;
import io.litestream4j.store.StoreStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One database as the status page, the metrics and {@code list} see it at one moment.
 *
 * @param state {@code replicating} or {@code stopped} (Litestream's {@code list} states)
 * @param localTxid newest TXID in the local state directory (0 when stopped)
 * @param replicaTxid newest TXID the replica acknowledged (0 when stopped)
 * @param oldestUnreplicated when the oldest commit not yet on the replica was synced locally
 * @param lastUpload when the replica last acknowledged an upload
 * @param lastSync when the database was last synced (WAL to local L0)
 * @param lastError the current upload error, or why replication stopped, or else the store's most
 *     recent failure (compaction/retention; it may have recovered since)
 * @param failing true while uploads fail or replication stopped by itself
 * @param replica the replica's (cached) inventory, empty when stopped
 * @param stats sync counters; {@code null} when stopped
 * @param storeStats compaction/retention counters; {@code null} when stopped
 * @param l0Retention what the last L0 retention pass found, if one ran
 */
public record DatabaseStatus(
    Path path,
    String replicaUrl,
    String replicaType,
    String state,
    long localTxid,
    long replicaTxid,
    Optional<Instant> oldestUnreplicated,
    Optional<Instant> lastUpload,
    Optional<Instant> lastSync,
    Optional<String> lastError,
    boolean failing,
    Optional<ReplicaSummary> replica,
    SyncStatistics stats,
    StoreStats storeStats,
    Optional<L0RetentionScan> l0Retention) {

  public boolean running() {
    return "replicating".equals(state);
  }

  /** Seconds since the oldest commit that is not on the replica yet; 0 when caught up. */
  public double lagSeconds(Instant now) {
    return oldestUnreplicated
        .map(t -> Math.max(0, Duration.between(t, now).toMillis() / 1000.0))
        .orElse(0.0);
  }

  /** Local TXID minus replica TXID. */
  public long lagTxids() {
    return Math.max(0, localTxid - replicaTxid);
  }
}
