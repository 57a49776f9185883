package io.litestream4j.store;

import io.litestream4j.config.StoreOptions;
import io.litestream4j.replica.LtxFileInfo;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What an application may see and do of a replica's upkeep — compaction, snapshots, retention and
 * validation — while replication runs them on their schedule: the embedding API's view of a {@link
 * Store}, without its scheduling machinery. Every operation is safe to call at any time from any
 * thread; it runs between the scheduled jobs, never at the same time as one.
 */
public interface ReplicaUpkeep {
  StoreOptions options();

  /** Counters of every job run so far, scheduled or requested. */
  StoreStats stats();

  /** The most recent validation, periodic or requested. */
  Optional<ValidationReport> lastValidation();

  /** What the last L0 retention pass found. */
  Optional<L0RetentionScan> lastL0RetentionScan();

  /**
   * Writes a level-9 snapshot now.
   *
   * @param force write one even when the newest snapshot already holds the current state
   * @return the snapshot written; empty when it was not needed or the database does not exist yet
   */
  Optional<LtxFileInfo> snapshotNow(boolean force) throws IOException;

  /**
   * Compacts level {@code level - 1} into {@code level} now.
   *
   * @return the files written, oldest first (empty when there was nothing new)
   */
  List<LtxFileInfo> compact(int level) throws IOException;

  /** Runs snapshot retention (cascading to levels 1..8) and L0 retention now. */
  RetentionResult enforceRetention() throws IOException;

  /** Runs L0 retention (and local L0 cleanup) now. */
  RetentionResult enforceL0Retention() throws IOException;

  /** Checks every level and that the newest state is restorable; issues are logged and counted. */
  ValidationReport validate() throws IOException;
}
