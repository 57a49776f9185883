package io.litestream4j.store;

import io.litestream4j.replica.LtxFileInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Small facts about the files of one level, shared by compaction, retention and validation. */
final class LevelFiles {
  /** Replica listing order: by min TXID, then max TXID. */
  static final Comparator<LtxFileInfo> BY_TXID =
      Comparator.comparingLong(LtxFileInfo::minTxid).thenComparingLong(LtxFileInfo::maxTxid);

  private LevelFiles() {}

  /** The highest TXID any of {@code files} covers; 0 for none. */
  static long maxTxid(List<LtxFileInfo> files) {
    long max = 0;
    for (LtxFileInfo f : files) {
      max = Math.max(max, f.maxTxid());
    }
    return max;
  }

  /** The file reaching the highest TXID (the newest creation time among equals). */
  static Optional<LtxFileInfo> newest(List<LtxFileInfo> files) {
    return files.stream().max(Comparator.comparingLong(LtxFileInfo::maxTxid)
        .thenComparing(LtxFileInfo::createdAt));
  }

  static List<LtxFileInfo> sorted(List<LtxFileInfo> files) {
    return files.stream().sorted(BY_TXID).toList();
  }
}
