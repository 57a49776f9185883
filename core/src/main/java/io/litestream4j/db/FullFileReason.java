package io.litestream4j.db;

/**
 * Why a level-0 file had to contain every page of the database instead of the changed ones. Only
 * {@link #FIRST_SYNC} is part of normal operation; every other reason means the replicator lost
 * track of the WAL (or the database changed while it was not running) and costs an upload of the
 * whole database, so each is counted in {@link SyncStats#fullL0Files()} and the benchmark fails a
 * scenario that produced one.
 */
public enum FullFileReason {
  /** Nothing was replicated yet: the first file is the whole database. */
  FIRST_SYNC("first sync"),
  /** After a restart the database's checksum differs from the newest replicated one. */
  DIVERGED("divergence"),
  /** The newest replica file carries no checksum to compare the database with after a restart. */
  NO_CHECKSUM("no checksum"),
  /** The WAL was restarted with frames the replicator never read. */
  WAL_RESTART("restart"),
  /** The last synced frame of the WAL was overwritten. */
  WAL_OVERWRITTEN("overwritten"),
  /** The WAL was truncated by another process before its frames were read. */
  WAL_TRUNCATED("truncated"),
  /** The database, WAL or shared-memory file was deleted or replaced behind SQLite's back. */
  REPLACED("replaced");

  private final String label;

  FullFileReason(String label) {
    this.label = label;
  }

  /** Short name used in statistics and benchmark output. */
  public String label() {
    return label;
  }

  /** True for a reason that is part of normal operation. */
  public boolean expected() {
    return this == FIRST_SYNC;
  }
}
