package io.litestream4j.store;

/**
 * One inconsistency found on a replica by {@link Store#validate()} or by {@code verify-compaction}.
 *
 * @param level the level it was found in (9 for snapshots; -1 for {@link Kind#BROKEN_CHAIN}, which
 *     concerns all levels together)
 * @param kind what is wrong
 * @param message the files involved and what to do about it
 */
public record ValidationIssue(int level, Kind kind, String message) {

  /** The kinds of inconsistency. */
  public enum Kind {
    /** The backend listed files out of TXID order. */
    UNSORTED,
    /** A file starts at or below the end of the file before it. */
    OVERLAP,
    /** TXIDs are missing between two consecutive files. */
    GAP,
    /** A level-9 file that is not a snapshot (its min TXID is not 1). */
    NOT_A_SNAPSHOT,
    /**
     * No contiguous chain of files leads from the newest snapshot to the newest TXID: a restore of
     * the latest state would fail.
     */
    BROKEN_CHAIN
  }

  @Override
  public String toString() {
    return (level < 0 ? "" : "L" + level + " ") + kind + ": " + message;
  }
}
