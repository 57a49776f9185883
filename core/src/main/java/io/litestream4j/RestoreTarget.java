package io.litestream4j;

import io.litestream4j.ltx.Txid;
import java.time.Instant;
import java.util.Objects;

/**
 * The point in a replica's history a restore aims at: the newest transaction, an exact TXID, or the
 * last transaction whose file was created strictly before a moment (Litestream's {@code -timestamp}
 * rule, which compares file creation times, i.e. LTX header timestamps).
 */
public sealed interface RestoreTarget {

  /** The newest transaction on the replica. */
  static RestoreTarget latest() {
    return Latest.INSTANCE;
  }

  /** Exactly transaction {@code txid} (at least 1). */
  static RestoreTarget txid(long txid) {
    return new AtTxid(txid);
  }

  /** The last transaction in files created before {@code time}. */
  static RestoreTarget timestamp(Instant time) {
    return new AtTimestamp(time);
  }

  /** True if files must be listed with exact creation times (costly on some backends). */
  default boolean needsExactTimestamps() {
    return this instanceof AtTimestamp;
  }

  /** See {@link #latest()}. */
  record Latest() implements RestoreTarget {
    static final Latest INSTANCE = new Latest();

    @Override
    public String toString() {
      return "latest";
    }
  }

  /** See {@link #txid(long)}. */
  record AtTxid(long txid) implements RestoreTarget {
    public AtTxid {
      if (txid < 1) {
        throw new IllegalArgumentException("a restore TXID must be at least 1, got " + txid);
      }
    }

    @Override
    public String toString() {
      return "TXID " + Txid.format(txid);
    }
  }

  /** See {@link #timestamp(Instant)}. */
  record AtTimestamp(Instant time) implements RestoreTarget {
    public AtTimestamp {
      Objects.requireNonNull(time, "time");
    }

    @Override
    public String toString() {
      return "timestamp " + time;
    }
  }
}
