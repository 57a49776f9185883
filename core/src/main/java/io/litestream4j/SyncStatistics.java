package io.litestream4j;

import io.litestream4j.db.SyncStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters of a replication's syncs (WAL to local L0 files) at one moment, for status output,
 * metrics and tests. Each counter is read once when the value is made; together they are not one
 * atomic snapshot.
 *
 * @param successes syncs that completed
 * @param idlePolls polls that found the files unchanged and so did not sync
 * @param failures syncs that failed
 * @param diskFullFailures syncs that failed for lack of disk space
 * @param diskFull true while the last attempt failed for lack of disk space
 * @param lastSuccessMillis when the last sync completed (epoch milliseconds); 0 before the first
 * @param reopenings times the database, WAL or shared-memory file was found deleted or replaced
 *     behind SQLite's back and the connections were reopened
 * @param fullL0Files full level-0 files (every page of the database) written so far, by reason;
 *     reasons that never occurred are left out
 * @param unexpectedFullL0Files full level-0 files written for a reason other than the first sync
 * @param syncNanos time spent in syncs, successful or not (Litestream's {@code
 *     litestream_sync_seconds})
 * @param checkpoints checkpoints run so far ({@code PRAGMA wal_checkpoint}), by mode name ({@code
 *     PASSIVE}, {@code TRUNCATE})
 * @param walBytes WAL bytes (frames with their headers) copied into incremental L0 files so far
 */
public record SyncStatistics(
    long successes,
    long idlePolls,
    long failures,
    long diskFullFailures,
    boolean diskFull,
    long lastSuccessMillis,
    long reopenings,
    Map<String, Long> fullL0Files,
    long unexpectedFullL0Files,
    long syncNanos,
    Map<String, Checkpoints> checkpoints,
    long walBytes) {

  public SyncStatistics {
    fullL0Files = Collections.unmodifiableMap(new LinkedHashMap<>(fullL0Files));
    checkpoints = Collections.unmodifiableMap(new LinkedHashMap<>(checkpoints));
  }

  /**
   * Checkpoints of one mode.
   *
   * @param count successful checkpoints (a busy one included: SQLite reports it, it is no error)
   * @param errors checkpoints that failed
   * @param nanos time spent in all of them
   */
  public record Checkpoints(long count, long errors, long nanos) {}

  static SyncStatistics of(SyncStats s) {
    Map<String, Checkpoints> checkpoints = new LinkedHashMap<>();
    s.checkpoints()
        .forEach(
            (mode, c) ->
                checkpoints.put(mode.name(), new Checkpoints(c.count(), c.errors(), c.nanos())));
    return new SyncStatistics(
        s.successes(),
        s.idlePolls(),
        s.failures(),
        s.diskFullFailures(),
        s.diskFull(),
        s.lastSuccessMillis(),
        s.reopenings(),
        s.fullL0Files(),
        s.unexpectedFullL0Files(),
        s.syncNanos(),
        checkpoints,
        s.walBytes());
  }
}
