package io.litestream4j.store;

import io.litestream4j.replica.LtxFileInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fewest replica files that rebuild the database at a TXID: the newest snapshot at or below
 * it, then files of levels 8..0 that each start exactly one TXID after the previous one ended (the
 * strict continuity {@link io.litestream4j.ltx.LtxApplier} proves with checksums). The store uses it
 * to check that a replica stays restorable; the restore planner proper lives elsewhere.
 */
final class RestoreChain {
  private static final Comparator<LtxFileInfo> PREFERRED =
      Comparator.comparingInt(LtxFileInfo::level).reversed().thenComparing(
          Comparator.comparingLong(LtxFileInfo::maxTxid).reversed());

  private RestoreChain() {}

  /**
   * @param levels the listing of each level, indexed 0..9
   * @return the files in apply order, or empty when {@code target} cannot be reached
   */
  static Optional<List<LtxFileInfo>> plan(List<List<LtxFileInfo>> levels, long target) {
    LtxFileInfo snapshot = null;
    for (LtxFileInfo s : levels.get(LtxFileInfo.SNAPSHOT_LEVEL)) {
      if (s.minTxid() == 1 && s.maxTxid() <= target && (snapshot == null || s.maxTxid() > snapshot.maxTxid())) {
        snapshot = s;
      }
    }
    long start = snapshot == null ? 0 : snapshot.maxTxid();
    Map<Long, List<LtxFileInfo>> byMin = new HashMap<>();
    for (int level = 0; level < LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      for (LtxFileInfo f : levels.get(level)) {
        if (f.minTxid() > start && f.maxTxid() <= target) {
          byMin.computeIfAbsent(f.minTxid(), k -> new ArrayList<>()).add(f);
        }
      }
    }
    byMin.values().forEach(l -> l.sort(PREFERRED));
    // Breadth-first over TXID boundaries: the first time the target is reached uses fewest files.
    Map<Long, LtxFileInfo> reachedBy = new HashMap<>();
    ArrayDeque<Long> queue = new ArrayDeque<>();
    queue.add(start);
    reachedBy.put(start, null);
    while (!queue.isEmpty() && !reachedBy.containsKey(target)) {
      long at = queue.poll();
      for (LtxFileInfo f : byMin.getOrDefault(at + 1, List.of())) {
        if (!reachedBy.containsKey(f.maxTxid())) {
          reachedBy.put(f.maxTxid(), f);
          queue.add(f.maxTxid());
        }
      }
    }
    if (!reachedBy.containsKey(target) || target == 0) {
      return Optional.empty();
    }
    List<LtxFileInfo> plan = new ArrayList<>();
    for (long at = target; at != start; ) {
      LtxFileInfo f = reachedBy.get(at);
      plan.add(f);
      at = f.minTxid() - 1;
    }
    if (snapshot != null) {
      plan.add(snapshot);
    }
    Collections.reverse(plan);
    return Optional.of(plan);
  }
}
