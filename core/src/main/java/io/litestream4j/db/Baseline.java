package io.litestream4j.db;

/**
 * The newest state a replica (or the local L0 directory) is known to hold: the TXID of its newest
 * file and the post-apply checksum that file recorded ({@code 0} when it recorded none, as files
 * written by Litestream do).
 */
public record Baseline(long txid, long postApplyChecksum) {
  public boolean tracksChecksum() {
    return postApplyChecksum != 0;
  }
}
