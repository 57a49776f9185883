package io.litestream4j.db;

import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * Where replication resumes when a database is (re)initialised, decided from what the local L0
 * directory and the replica hold — a pure function, so every case is testable without SQLite.
 *
 * <ul>
 *   <li>Local files that hold every TXID after the replica's newest (after none, for an empty
 *       replica) are the base: they are uploaded as usual.
 *   <li>Otherwise the replica is the base (it is ahead, or the local files have a hole), and the
 *       local files, which do not continue it, are discarded (Litestream issue 781).
 *   <li>With neither, replication starts from scratch: the first file holds the whole database. An
 *       empty replica whose local files no longer start at TXID 1 (pruned after uploads to a
 *       replica since wiped or replaced) starts from scratch too, the local files discarded.
 * </ul>
 *
 * <p>Once the database's current checksum is known, {@link #fullFileReason} says whether the base
 * can be continued incrementally or a full file is needed, and why.
 *
 * @param base the state replication continues from; empty to start from scratch
 * @param discardLocal true when the local files must be deleted before continuing
 */
record ResumePoint(Optional<Baseline> base, boolean discardLocal) {

  /**
   * @param localTip the newest local L0 file's TXID and checksum, if any
   * @param replicaTip the replica's newest TXID and checksum, if any
   * @param localHas whether a local L0 file of a TXID exists
   */
  static ResumePoint choose(
      Optional<Baseline> localTip, Optional<Baseline> replicaTip, LongPredicate localHas) {
    long replicaTxid = replicaTip.map(Baseline::txid).orElse(0L);
    if (localTip.isPresent() && continues(replicaTxid, localTip.get(), localHas)) {
      return new ResumePoint(localTip, false);
    }
    // An empty replica (wiped, or a new URL) with local files already pruned after earlier
    // uploads: the replica cannot be given TXIDs 1.. any more, so replication starts over.
    return new ResumePoint(replicaTip, localTip.isPresent());
  }

  private static boolean continues(long replicaTxid, Baseline local, LongPredicate localHas) {
    if (local.txid() < replicaTxid) {
      return false;
    }
    for (long t = replicaTxid + 1; t <= local.txid(); t++) {
      if (!localHas.test(t)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the next L0 file must hold every page, given the database's checksum now.
   *
   * @param reopened the database files were replaced behind SQLite's back since the last sync
   * @return empty when the base's checksum matches and replication continues incrementally
   */
  Optional<FullFileReason> fullFileReason(long databaseChecksum, boolean reopened) {
    if (base.isEmpty()) {
      return Optional.of(FullFileReason.FIRST_SYNC);
    }
    Baseline b = base.get();
    if (b.tracksChecksum() && b.postApplyChecksum() == databaseChecksum) {
      return Optional.empty();
    }
    if (reopened) {
      return Optional.of(FullFileReason.REPLACED);
    }
    return Optional.of(b.tracksChecksum() ? FullFileReason.DIVERGED : FullFileReason.NO_CHECKSUM);
  }
}
