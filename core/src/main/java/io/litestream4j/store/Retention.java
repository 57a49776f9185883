package io.litestream4j.store;

import io.litestream4j.config.StoreOptions;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which replica files are no longer needed and deletes them — only after they have been
 * deletion candidates for a wait ({@link DeletionCandidates}), never leaving a gap inside a level,
 * and always keeping the newest file of every level. The rules are spelled out in the package
 * documentation; in short:
 *
 * <ul>
 *   <li><b>L9</b>: snapshots created before {@code now - snapshot.retention} are candidates, except
 *       the newest. The <em>floor</em> is the lowest TXID of the snapshots that are not candidates.
 *   <li><b>L1..L8</b>: a file is a candidate when it ends at or below the floor and, below the top
 *       configured level, lies inside a file of the next level; candidates are a prefix of the
 *       level, so the next level's compaction never meets a hole.
 *   <li><b>L0</b>: a file is a candidate once it lies inside an L1 file; it is deleted {@code
 *       l0-retention} after it first became one. Local L0 copies that L1 covers are removed at once
 *       (never the newest, which a restart resumes from), also when {@code retention.enabled} is
 *       false.
 * </ul>
 *
 * Candidates of L1..L9 wait {@code retentionGrace}. With {@code retention.enabled: false} nothing
 * is ever deleted from the replica.
 */
final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private final ReplicaClient client;
  private final LocalLtxDir local;
  private final StoreOptions options;
  private final DeletionCandidates candidates;
  private final String name;

  /**
   * L1 files below the one covering the oldest remaining L0 file are not needed for L0 retention.
   */
  private long l1Seek = 1;

  Retention(
      ReplicaClient client,
      LocalLtxDir local,
      StoreOptions options,
      DeletionCandidates candidates,
      String name) {
    this.client = client;
    this.local = local;
    this.options = options;
    this.candidates = candidates;
    this.name = name;
  }

  /** Snapshot retention, cascading to levels 1..8. */
  RetentionResult enforceSnapshotRetention(long now) throws IOException {
    if (!options.retentionEnabled()) {
      return RetentionResult.NONE;
    }
    long grace = options.retentionGrace().toMillis();
    List<LtxFileInfo> snapshots = client.ltxFiles(LtxFileInfo.SNAPSHOT_LEVEL, 1);
    Optional<LtxFileInfo> newest = LevelFiles.newest(snapshots);
    long cutoff = now - options.snapshotRetention().toMillis();
    List<LtxFileInfo> expired = new ArrayList<>();
    long floor = 0;
    for (LtxFileInfo s : LevelFiles.sorted(snapshots)) {
      if (!s.equals(newest.orElseThrow()) && s.createdAt().toEpochMilli() < cutoff) {
        expired.add(s);
      } else {
        floor = floor == 0 ? s.maxTxid() : Math.min(floor, s.maxTxid());
      }
    }
    candidates.update(LtxFileInfo.SNAPSHOT_LEVEL, expired, now);
    List<List<LtxFileInfo>> deletions = new ArrayList<>();
    deletions.add(candidates.mature(expired, grace, now));

    List<List<LtxFileInfo>> levels = new ArrayList<>();
    levels.add(List.of()); // L0 is not handled here
    for (int level = 1; level < LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      levels.add(LevelFiles.sorted(client.ltxFiles(level, 1)));
    }
    int top = options.topLevel();
    for (int level = 1; level < LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      List<LtxFileInfo> files = levels.get(level);
      List<LtxFileInfo> upper = level < top ? levels.get(level + 1) : null;
      List<LtxFileInfo> deletable = deletablePrefix(files, floor, upper);
      candidates.update(level, deletable, now);
      deletions.add(candidates.maturePrefix(deletable, grace, now));
    }
    List<LtxFileInfo> deleted = delete(deletions);
    return new RetentionResult(deleted, candidates.size(), 0);
  }

  private volatile @Nullable L0RetentionScan lastL0Scan;

  /** What the last L0 retention pass found, if one ran with retention enabled. */
  Optional<L0RetentionScan> lastL0Scan() {
    return Optional.ofNullable(lastL0Scan);
  }

  /** L0 retention, plus cleaning of the local L0 copies. */
  RetentionResult enforceL0Retention(long now) throws IOException {
    List<LtxFileInfo> l1 = LevelFiles.sorted(client.ltxFiles(1, l1Seek));
    if (l1.isEmpty() && l1Seek > 1) {
      l1 = LevelFiles.sorted(client.ltxFiles(1, 1));
    }
    int localDeleted = cleanLocal(l1);
    if (!options.retentionEnabled() || options.l0Retention().isZero()) {
      return new RetentionResult(List.of(), candidates.size(), localDeleted);
    }
    List<LtxFileInfo> l0 = LevelFiles.sorted(client.ltxFiles(LtxFileInfo.L0, 1));
    List<LtxFileInfo> deletable = deletablePrefix(l0, Long.MAX_VALUE, l1);
    if (deletable.size() < l0.size() - 1
        && !l1.isEmpty()
        && l0.get(deletable.size()).maxTxid() < l1.getFirst().minTxid()) {
      // Snapshot retention may have removed the L1 file that covered an old L0 file before L0
      // retention came round (a slow machine): a file of a higher level covers it now. Without this
      // look the L0 file would stay forever. A hole in L1 still keeps the L0 files inside it.
      deletable = deletablePrefix(l0, Long.MAX_VALUE, coveredByAnyLevel());
    }
    candidates.update(LtxFileInfo.L0, deletable, now);
    List<LtxFileInfo> mature =
        candidates.maturePrefix(deletable, options.l0Retention().toMillis(), now);
    lastL0Scan =
        new L0RetentionScan(
            mature.size(), l0.size() - deletable.size(), deletable.size() - mature.size());
    List<LtxFileInfo> deleted = delete(List.of(mature));
    // Next time, list L1 from the file covering the oldest L0 file that is left (deletions are a
    // prefix). Too high a start can only make fewer L0 files deletable, never more.
    List<LtxFileInfo> left = l0.subList(deleted.size(), l0.size());
    List<LtxFileInfo> listed = l1;
    (left.isEmpty()
            ? Optional.<LtxFileInfo>empty()
            : LevelFiles.coveringFile(listed, left.getFirst()))
        .or(() -> LevelFiles.newest(listed))
        .ifPresent(f -> l1Seek = f.minTxid());
    return new RetentionResult(deleted, candidates.size(), localDeleted);
  }

  /**
   * The leading files of a level (in TXID order) that end at or below {@code floor} and lie inside
   * a file of {@code upper} (when given), stopping at the first that does not and never including
   * the level's newest file.
   */
  private static List<LtxFileInfo> deletablePrefix(
      List<LtxFileInfo> sorted, long floor, @Nullable List<LtxFileInfo> upper) {
    return deletablePrefix(
        sorted, floor, f -> upper == null || LevelFiles.coveringFile(upper, f).isPresent());
  }

  private static List<LtxFileInfo> deletablePrefix(
      List<LtxFileInfo> sorted, long floor, Predicate<LtxFileInfo> covered) {
    Optional<LtxFileInfo> newest = LevelFiles.newest(sorted);
    List<LtxFileInfo> out = new ArrayList<>();
    for (LtxFileInfo f : sorted) {
      if (f.equals(newest.orElseThrow()) || f.maxTxid() > floor || !covered.test(f)) {
        break;
      }
      out.add(f);
    }
    return out;
  }

  /** Whether a file of L1..L9 (listed whole, now) contains all of a file's TXIDs. */
  private Predicate<LtxFileInfo> coveredByAnyLevel() throws IOException {
    List<List<LtxFileInfo>> levels = new ArrayList<>();
    for (int level = 1; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      levels.add(LevelFiles.sorted(client.ltxFiles(level, 1)));
    }
    return f -> levels.stream().anyMatch(files -> LevelFiles.coveringFile(files, f).isPresent());
  }

  private List<LtxFileInfo> delete(List<List<LtxFileInfo>> perLevel) throws IOException {
    List<LtxFileInfo> deleted = new ArrayList<>();
    try {
      for (List<LtxFileInfo> files : perLevel) {
        if (files.isEmpty()) {
          continue;
        }
        client.deleteLtxFiles(files);
        candidates.forget(files);
        deleted.addAll(files);
        LOG.atInfo()
            .addKeyValue("db", name)
            .log(
                "retention deleted {} L{} files ({} .. {})",
                files.size(),
                files.getFirst().level(),
                files.getFirst().name(),
                files.getLast().name());
      }
    } finally {
      candidates.save();
    }
    return deleted;
  }

  /**
   * Removes local L0 copies of TXIDs already compacted into L1 (so certainly on the replica),
   * except the newest local file, which a restart resumes from.
   */
  private int cleanLocal(List<LtxFileInfo> l1) throws IOException {
    // Without compaction levels nothing is ever compacted: uploaded is then good enough.
    long maxL1 =
        options.levels().isEmpty()
            ? LevelFiles.maxTxid(client.ltxFiles(LtxFileInfo.L0, 1))
            : LevelFiles.maxTxid(l1);
    if (local == null || maxL1 == 0) {
      return 0;
    }
    List<Long> txids = local.txids();
    int n = 0;
    for (int i = 0; i < txids.size() - 1 && txids.get(i) <= maxL1; i++) {
      if (Files.deleteIfExists(local.path(txids.get(i)))) {
        n++;
      }
    }
    if (n > 0) {
      LOG.atDebug().addKeyValue("db", name).log("removed {} local L0 files compacted into L1", n);
    }
    return n;
  }
}
