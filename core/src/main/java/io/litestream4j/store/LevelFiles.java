package io.litestream4j.store;

import io.litestream4j.replica.LtxFileInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Small facts about the files of one level, shared by compaction, retention and validation. */
final class LevelFiles {
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
    return files.stream()
        .max(Comparator.comparingLong(LtxFileInfo::maxTxid).thenComparing(LtxFileInfo::createdAt));
  }

  static List<LtxFileInfo> sorted(List<LtxFileInfo> files) {
    return files.stream().sorted(LtxFileInfo.BY_TXID).toList();
  }

  /**
   * The file of {@code upper} (sorted by {@link LtxFileInfo#BY_TXID}, without overlaps) whose range
   * contains all of {@code f}'s TXIDs, if any: the file a compaction merged {@code f} into.
   */
  static Optional<LtxFileInfo> coveringFile(List<LtxFileInfo> upper, LtxFileInfo f) {
    int lo = 0;
    int hi = upper.size() - 1;
    LtxFileInfo candidate = null;
    while (lo <= hi) { // last file with min <= f.min
      int mid = (lo + hi) >>> 1;
      if (upper.get(mid).minTxid() <= f.minTxid()) {
        candidate = upper.get(mid);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return candidate != null && candidate.maxTxid() >= f.maxTxid()
        ? Optional.of(candidate)
        : Optional.empty();
  }
}
