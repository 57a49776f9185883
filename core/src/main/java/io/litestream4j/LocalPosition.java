package io.litestream4j;

import io.litestream4j.db.Position;
import io.litestream4j.ltx.Txid;

/**
 * Where a replicated database stands locally: the TXID of the newest LTX file written to its state
 * directory and the database's rolling checksum after it. A restore to {@code
 * RestoreTarget.txid(txid)} produces a database whose checksum is {@code postApplyChecksum}.
 *
 * @param txid newest TXID written locally; 0 before the first sync
 * @param postApplyChecksum the database's rolling CRC-64 after {@code txid}; 0 when the file that
 *     produced it tracked no checksums
 */
public record LocalPosition(long txid, long postApplyChecksum) {

  static LocalPosition of(Position p) {
    return new LocalPosition(p.txid(), p.postApplyChecksum());
  }

  @Override
  public String toString() {
    return Txid.format(txid) + "/" + String.format("%016x", postApplyChecksum);
  }
}
