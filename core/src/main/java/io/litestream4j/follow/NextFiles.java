package io.litestream4j.follow;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses what a follower at some TXID applies next, listing as little as possible: normally the
 * run of level-0 files starting right after it (one listing per poll). When level 0 does not
 * continue it — the files were compacted and removed by retention, or the follower was stopped for
 * long — the compacted file at levels 1..8 that covers the next TXID and reaches furthest, and
 * failing that a whole snapshot (a restore plan to the latest TXID).
 */
public final class NextFiles {
  /** What to apply next. */
  public sealed interface Step {}

  /** Nothing new on the replica. */
  public record UpToDate(long replicaMaxTxid) implements Step {}

  /** Apply these files in order; each continues (or overlaps and extends) the one before. */
  public record Files(List<LtxFileInfo> files) implements Step {
    public Files {
      files = List.copyOf(files);
    }
  }

  /** No file continues the follower: catch up from a restore plan of the latest state. */
  public record NeedsSnapshot() implements Step {}

  private final ReplicaClient client;

  public NextFiles(ReplicaClient client) {
    this.client = client;
  }

  /**
   * The next step after {@code txid}; {@code deep} also checks the higher levels when level 0 has
   * nothing new (done now and then, in case retention removed every level-0 file).
   */
  public Step after(long txid, boolean deep) throws IOException {
    List<LtxFileInfo> l0 = client.ltxFiles(LtxFileInfo.L0, txid + 1);
    List<LtxFileInfo> run = new ArrayList<>();
    long end = txid;
    for (LtxFileInfo f : l0) {
      if (f.minTxid() != end + 1) {
        break;
      }
      run.add(f);
      end = f.maxTxid();
    }
    if (!run.isEmpty()) {
      return new Files(run);
    }
    if (l0.isEmpty() && !deep) {
      return new UpToDate(txid);
    }
    LtxFileInfo best = null;
    long replicaMax = l0.isEmpty() ? txid : l0.getLast().maxTxid();
    for (int level = 1; level < LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      for (LtxFileInfo f : client.ltxFiles(level, 0)) {
        replicaMax = Math.max(replicaMax, f.maxTxid());
        if (f.minTxid() <= txid + 1
            && f.maxTxid() > txid
            && (best == null || f.maxTxid() > best.maxTxid())) {
          best = f;
        }
      }
    }
    if (best != null) {
      return new Files(List.of(best));
    }
    for (LtxFileInfo f : client.ltxFiles(LtxFileInfo.SNAPSHOT_LEVEL, 0)) {
      replicaMax = Math.max(replicaMax, f.maxTxid());
    }
    return replicaMax > txid ? new NeedsSnapshot() : new UpToDate(replicaMax);
  }
}
