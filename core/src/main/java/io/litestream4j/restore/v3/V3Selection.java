package io.litestream4j.restore.v3;

import io.litestream4j.RestoreTarget;
import io.litestream4j.replica.LtxFileInfo;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Litestream 0.5's rule for replicas that hold both formats (its "v0.3.x auto-selection"): without
 * a TXID target, the v0.3 backups are restored when they are all there is, when their newest file
 * is newer than the newest LTX file (latest), or when the best v0.3 snapshot at or before the
 * timestamp is newer than the best LTX snapshot before it.
 */
public final class V3Selection {
  private V3Selection() {}

  /** True if {@code target} should be restored from the v0.3 backups. */
  public static boolean useV3(V3Catalog v3, List<LtxFileInfo> ltx, RestoreTarget target) {
    if (v3.isEmpty() || target instanceof RestoreTarget.AtTxid) {
      return false;
    }
    if (ltx.isEmpty()) {
      return true;
    }
    return switch (target) {
      case RestoreTarget.Latest l -> {
        Instant ltxLatest =
            ltx.stream().map(LtxFileInfo::createdAt).max(Comparator.naturalOrder()).orElseThrow();
        yield v3.latest().orElseThrow().isAfter(ltxLatest);
      }
      case RestoreTarget.AtTimestamp ts -> {
        Optional<V3Snapshot> v3Snapshot = v3.snapshotAt(ts.time());
        Optional<Instant> ltxSnapshot =
            ltx.stream()
                .filter(f -> f.minTxid() == 1)
                .map(LtxFileInfo::createdAt)
                .filter(c -> c.isBefore(ts.time()))
                .max(Comparator.naturalOrder());
        yield v3Snapshot.isPresent()
            && (ltxSnapshot.isEmpty() || v3Snapshot.get().createdAt().isAfter(ltxSnapshot.get()));
      }
      case RestoreTarget.AtTxid t -> false;
    };
  }
}
