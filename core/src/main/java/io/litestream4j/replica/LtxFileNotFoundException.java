package io.litestream4j.replica;

import java.nio.file.NoSuchFileException;

/**
 * A requested LTX file does not exist on the replica (never written, or deleted by retention or
 * compaction cleanup).
 *
 * <p>It is a {@link NoSuchFileException}, so code that handles missing files generically keeps
 * working; it additionally says which level and TXID range was asked for. Retrying the same read
 * cannot succeed: callers should re-plan (list the replica again) instead.
 */
public final class LtxFileNotFoundException extends NoSuchFileException {

  private static final long serialVersionUID = 1L;

  private final int level;
  private final long minTxid;
  private final long maxTxid;

  public LtxFileNotFoundException(
      String location, int level, long minTxid, long maxTxid, String reason) {
    super(location, null, reason);
    this.level = level;
    this.minTxid = minTxid;
    this.maxTxid = maxTxid;
  }

  public int level() {
    return level;
  }

  public long minTxid() {
    return minTxid;
  }

  public long maxTxid() {
    return maxTxid;
  }
}
