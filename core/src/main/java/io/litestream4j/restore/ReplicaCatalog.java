package io.litestream4j.restore;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every LTX file a replica holds, across levels 0..9, as listed at one moment: what restore plans
 * are computed from. Listing is not atomic across levels on any backend; a file deleted after the
 * listing surfaces later as a missing file, which a restore answers by listing again.
 *
 * @param files all files, ordered by level, then min and max TXID
 */
public record ReplicaCatalog(List<LtxFileInfo> files) {

  public ReplicaCatalog {
    files = List.copyOf(files);
  }

  /**
   * Lists every level of {@code client}; {@code exactTimestamps} asks for creation times equal to
   * the LTX header timestamps, which point-in-time restores need and some backends charge extra
   * for.
   */
  public static ReplicaCatalog load(ReplicaClient client, boolean exactTimestamps)
      throws IOException {
    return ofLevels(listLevels(client, exactTimestamps));
  }

  /** The catalog of a listing of levels 0..9, as {@link #listLevels} returns it. */
  public static ReplicaCatalog ofLevels(List<List<LtxFileInfo>> levels) {
    List<LtxFileInfo> all = new ArrayList<>();
    levels.forEach(all::addAll);
    all.sort(ReplicaCatalog::byLevelThenTxids);
    return new ReplicaCatalog(all);
  }

  // Comparators as methods: the JDK's Comparator combinators create their lambdas at run time in
  // every command-line restore (not in the AOT cache), ours come from it.
  private static int byLevelThenTxids(LtxFileInfo a, LtxFileInfo b) {
    int c = Integer.compare(a.level(), b.level());
    return c != 0 ? c : LtxFileInfo.BY_TXID.compare(a, b);
  }

  /**
   * The one way every part of the replicator lists a whole replica (restore, validation, the
   * replica's newest state): level 0 first, level 9 last, each level as the backend listed it.
   * Listing is not atomic, and this order is the one that cannot invent a gap: compaction writes
   * the higher-level file before retention removes the lower-level files it covers, so a file
   * compacted away after its level was listed is still in the listing, and a file written after its
   * level was listed is covered by one listed later or is newer than everything listed.
   *
   * @return the listing of levels 0..9, indexed by level
   */
  public static List<List<LtxFileInfo>> listLevels(ReplicaClient client, boolean exactTimestamps)
      throws IOException {
    if (!exactTimestamps) {
      return client.ltxFilesOfAllLevels();
    }
    List<List<LtxFileInfo>> levels = new ArrayList<>();
    for (int level = LtxFileInfo.L0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      levels.add(client.ltxFilesWithExactTimestamps(level, 0));
    }
    return levels;
  }

  public boolean isEmpty() {
    return files.isEmpty();
  }

  /** The newest TXID any file reaches, 0 for an empty replica. */
  public long maxTxid() {
    return files.stream().mapToLong(LtxFileInfo::maxTxid).max().orElse(0);
  }

  /** Creation time of the oldest file. */
  public Optional<Instant> earliest() {
    return files.stream().map(LtxFileInfo::createdAt).min(Comparator.naturalOrder());
  }

  /** Creation time of the newest file. */
  public Optional<Instant> latest() {
    return files.stream().map(LtxFileInfo::createdAt).max(Comparator.naturalOrder());
  }
}
