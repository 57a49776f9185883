package io.litestream4j;

/**
 * Receives progress reports while a restore runs, e.g. to draw a progress bar. Called from the
 * downloading threads as well as the restoring one, so implementations must be thread-safe and
 * quick. Byte counts are of LTX data (compressed), the unit a replica is billed and throttled by.
 */
@FunctionalInterface
public interface RestoreProgress {

  /** Ignores every report. */
  RestoreProgress NONE = (phase, done, total) -> {};

  /** What the restore is doing. */
  enum Phase {
    /** Fetching plan files into the staging directory ({@code done} = bytes fetched so far). */
    DOWNLOAD,
    /** Merging the files into the database ({@code done} = LTX bytes consumed so far). */
    APPLY,
    /** Running SQLite's check on the restored database ({@code done} is 0, then {@code total}). */
    CHECK
  }

  /** {@code done} of {@code total} bytes of {@code phase} are complete. */
  void update(Phase phase, long done, long total);
}
