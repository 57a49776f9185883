package io.litestream4j.store;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreTarget;
import io.litestream4j.ltx.LtxApplier;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.restore.ReplicaCatalog;
import io.litestream4j.restore.RestorePlanner;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.L0Restore.LtxSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Replica chores of the store tests: listing every level, planning and applying restores. */
final class Replicas {
  private Replicas() {}

  /** The listing of levels 0..9. */
  static List<List<LtxFileInfo>> levels(ReplicaClient client) throws IOException {
    List<List<LtxFileInfo>> levels = new ArrayList<>();
    for (int level = 0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      levels.add(client.ltxFiles(level, 1));
    }
    return levels;
  }

  /** The restore planner's files for {@code txid}; empty when it finds no plan. */
  static Optional<List<LtxFileInfo>> plan(ReplicaClient client, long txid) throws IOException {
    return plan(levels(client), txid);
  }

  /** The restore planner's files for {@code txid} over a listing of levels 0..9. */
  static Optional<List<LtxFileInfo>> plan(List<List<LtxFileInfo>> levels, long txid) {
    try {
      ReplicaCatalog catalog = ReplicaCatalog.ofLevels(levels);
      return Optional.of(
          RestorePlanner.plan(catalog, RestoreTarget.txid(txid), "the replica").files());
    } catch (RestoreException e) {
      return Optional.empty();
    }
  }

  /**
   * Applies {@code plan} with {@link LtxApplier#restore} (which proves continuity and the final
   * checksum) into {@code out}; returns the restored database's checksum.
   */
  static LtxApplier restore(ReplicaClient client, List<LtxFileInfo> plan, Path out)
      throws IOException {
    return L0Restore.apply(
        plan.stream()
            .<LtxSource>map(
                f -> () -> client.openLtxFile(f.level(), f.minTxid(), f.maxTxid(), 0, 0))
            .toList(),
        out);
  }

  static long maxTxid(ReplicaClient client, int level) throws IOException {
    return LevelFiles.maxTxid(client.ltxFiles(level, 1));
  }
}
