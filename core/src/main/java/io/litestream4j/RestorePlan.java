package io.litestream4j;

import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The files a restore applies, oldest first: a snapshot (any file with min TXID 1, an L9 snapshot
 * when one is usable) or a full file (one holding every page, such as the file written where the
 * page size changed; the restore proves it holds every page) followed by files from levels 8..0
 * that continue it to the target. Each file either starts right after the previous one ends, or —
 * only where the replica offers nothing better — starts inside the range already covered and
 * reaches further (an overlap).
 *
 * <p>Used to execute a restore, to print it ({@code restore -dry-run}) and by retention to know
 * which files a restore starting now depends on.
 *
 * @param target what the plan was made for
 * @param files the files, oldest first; never empty
 */
public record RestorePlan(RestoreTarget target, List<LtxFileInfo> files) {

  public RestorePlan {
    Objects.requireNonNull(target, "target");
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a restore plan needs at least one file");
    }
    for (int i = 1; i < files.size(); i++) {
      LtxFileInfo prev = files.get(i - 1);
      LtxFileInfo cur = files.get(i);
      if (cur.minTxid() > prev.maxTxid() + 1
          || cur.maxTxid() <= prev.maxTxid()
          || cur.minTxid() == 1) {
        throw new IllegalArgumentException(
            "restore plan file " + cur + " does not continue " + prev);
      }
    }
  }

  /** The TXID the plan starts from: 1, unless it starts from a full file. */
  public long minTxid() {
    return files.getFirst().minTxid();
  }

  /** The TXID the restored database will be at. */
  public long maxTxid() {
    return files.getLast().maxTxid();
  }

  /** Total bytes to download. */
  public long totalBytes() {
    return files.stream().mapToLong(LtxFileInfo::size).sum();
  }

  /** Number of seams where a file starts inside the range already covered. */
  public int overlaps() {
    int n = 0;
    for (int i = 1; i < files.size(); i++) {
      if (files.get(i).minTxid() != files.get(i - 1).maxTxid() + 1) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "restore plan for "
        + target
        + " to TXID "
        + Txid.format(maxTxid())
        + ": "
        + files.stream().map(LtxFileInfo::label).collect(Collectors.joining(", "));
  }
}
