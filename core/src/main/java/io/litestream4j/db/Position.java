package io.litestream4j.db;

import io.litestream4j.ltx.Txid;

/**
 * Where replication of a database stands: the TXID of the newest LTX file and the database's
 * rolling checksum after it (0 when the file that produced it tracked no checksums).
 */
public record Position(long txid, long postApplyChecksum) {
  public static final Position NONE = new Position(0, 0);

  public boolean isNone() {
    return txid == 0;
  }

  @Override
  public String toString() {
    return Txid.format(txid) + "/" + String.format("%016x", postApplyChecksum);
  }
}
