package io.litestream4j.db;

/**
 * The checkpoint modes the replicator itself issues. RESTART is deliberately absent: it blocks the
 * application's writers until every reader finishes (Litestream issue 724).
 */
public enum CheckpointMode {
  /** Copies what it can without waiting for readers or blocking writers. */
  PASSIVE,
  /** Emergency brake for a runaway WAL: waits for readers, then truncates the WAL to 0 bytes. */
  TRUNCATE
}
