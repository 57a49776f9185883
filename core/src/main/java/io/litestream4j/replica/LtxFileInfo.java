package io.litestream4j.replica;

import io.litestream4j.ltx.LtxFileName;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One LTX file stored on a replica: its compaction level, TXID range, size in bytes and creation
 * time.
 *
 * <p>{@code createdAt} is the timestamp from the file's LTX header (the time of its newest
 * transaction) wherever the backend can keep it; point-in-time restore depends on it. TXIDs are
 * compared as signed longs, which covers every TXID below 2^63.
 */
public record LtxFileInfo(int level, long minTxid, long maxTxid, long size, Instant createdAt) {

  /** Level 0 holds one file per sync of the database. */
  public static final int L0 = 0;

  /** Level 9 holds full snapshots (min TXID 1). */
  public static final int SNAPSHOT_LEVEL = 9;

  /**
   * The order {@link ReplicaClient#ltxFiles} lists the files of one level in: by min TXID, then max
   * TXID.
   */
  public static final Comparator<LtxFileInfo> BY_TXID = LtxFileInfo::compareTxids;

  public LtxFileInfo {
    checkLevel(level);
    checkTxids(minTxid, maxTxid);
    if (size < 0) {
      throw new IllegalArgumentException("LTX file size must be >= 0, got " + size);
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /**
   * {@link #BY_TXID}. A method rather than {@code Comparator.comparingLong(...)} chains, whose
   * lambdas the JDK creates at run time in every command-line restore (they are not in the AOT
   * cache; ours are).
   */
  private static int compareTxids(LtxFileInfo a, LtxFileInfo b) {
    int c = Long.compare(a.minTxid(), b.minTxid());
    return c != 0 ? c : Long.compare(a.maxTxid(), b.maxTxid());
  }

  // equals and hashCode are spelled out: a record's generated ones are bootstrapped through method
  // handles on first use, which the JVM builds at run time (~15 ms of a command-line restore that
  // puts these in a set; docs/performance.md, session 13). Same semantics: all components.
  @Override
  public boolean equals(Object o) {
    return o instanceof LtxFileInfo f
        && level == f.level
        && minTxid == f.minTxid
        && maxTxid == f.maxTxid
        && size == f.size
        && createdAt.equals(f.createdAt);
  }

  @Override
  public int hashCode() {
    int h = level;
    h = 31 * h + Long.hashCode(minTxid);
    h = 31 * h + Long.hashCode(maxTxid);
    h = 31 * h + Long.hashCode(size);
    return 31 * h + createdAt.hashCode();
  }

  /** How messages name the file: {@code L<level>/<name>}. */
  public String label() {
    return "L" + level + "/" + name();
  }

  /** The file's name on the replica, {@code %016x-%016x.ltx}. */
  public String name() {
    return LtxFileName.format(minTxid, maxTxid);
  }

  /** Rejects a level outside 0..9 with a message naming it. */
  public static void checkLevel(int level) {
    if (level < L0 || level > SNAPSHOT_LEVEL) {
      throw new IllegalArgumentException(
          "LTX level must be between 0 and " + SNAPSHOT_LEVEL + ", got " + level);
    }
  }

  /** Rejects a negative byte range of a read ({@code length} 0: to the end of the file). */
  public static void checkRange(long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "offset and length must be >= 0, got offset=%d length=%d".formatted(offset, length));
    }
  }

  /** Rejects a TXID range outside {@code 1 <= min <= max} with a message naming it. */
  public static void checkTxids(long minTxid, long maxTxid) {
    if (minTxid < 1 || maxTxid < minTxid) {
      throw new IllegalArgumentException(
          "LTX TXID range must satisfy 1 <= min <= max, got min=%d max=%d"
              .formatted(minTxid, maxTxid));
    }
  }

  @Override
  public String toString() {
    return label() + " (" + size + " bytes, created " + createdAt + ")";
  }
}
