package io.litestream4j.restore;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestorePlan;
import io.litestream4j.RestoreTarget;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Chooses the files that rebuild a database at a target: the newest usable snapshot at or before
 * the target — an L9 snapshot, any other file starting at TXID 1, such as the first L0 file, or a
 * file known to hold every page (a "full" file, given by the caller) — then the fewest files from
 * levels 8..0 that continue it to the target TXID.
 *
 * <p>"Fewest files" is a shortest-path search over TXIDs, not Litestream's greedy walk: a file
 * {@code [a,b]} leads from the state at {@code a-1} to the state at {@code b}. Where no file
 * continues a state exactly, a file that starts inside the range already covered and reaches
 * further may be used (an overlap: its pages are the newest versions of everything it covers, so
 * applying it on top is exact, but no checksum proves that seam). Among plans with equally few
 * files, fewer overlaps win, then fewer bytes. Files fully covered by a larger file in the same
 * level are simply never useful (Litestream issue 847). Runs in time linear in files per level.
 *
 * <p>A gap is an error naming the missing TXID range; a target outside what the replica holds is an
 * error naming what it does hold. Stateless.
 */
public final class RestorePlanner {
  /** No file can be valid LTX below this size. */
  static final long MIN_FILE_SIZE = LtxHeader.SIZE + LtxTrailer.SIZE;

  private RestorePlanner() {}

  /**
   * Plans a restore to {@code target} from {@code catalog}; {@code replica} names the replica in
   * messages.
   *
   * @throws RestoreException if the replica is empty, does not hold the target, or has a gap
   */
  public static RestorePlan plan(ReplicaCatalog catalog, RestoreTarget target, String replica)
      throws RestoreException {
    return plan(catalog, target, replica, Set.of());
  }

  /**
   * Like {@link #plan(ReplicaCatalog, RestoreTarget, String)}, where the {@code fullFiles} (files
   * known to hold every page of the database, e.g. the file where the page size changed) are
   * starting points as well as snapshots.
   */
  public static RestorePlan plan(
      ReplicaCatalog catalog, RestoreTarget target, String replica, Set<LtxFileInfo> fullFiles)
      throws RestoreException {
    if (catalog.isEmpty()) {
      throw new RestoreException(
          Reason.NO_BACKUPS,
          "no backup files found on "
              + replica
              + " (no LTX files at levels 0-9); check the replica URL or path");
    }
    List<LtxFileInfo> all = catalog.files();
    long targetTxid;
    Predicate<LtxFileInfo> eligible;
    // Not a pattern switch over the sealed type: that bootstraps a type-switch class at run time,
    // which no AOT cache holds (~5 ms of every restore). A new kind of target lands in the else.
    if (target instanceof RestoreTarget.Latest) {
      targetTxid = catalog.maxTxid();
      eligible = f -> true;
    } else if (target instanceof RestoreTarget.AtTxid t) {
      if (t.txid() > catalog.maxTxid()) {
        throw new RestoreException(
            Reason.TARGET_NOT_AVAILABLE,
            "TXID "
                + Txid.format(t.txid())
                + " is not available on "
                + replica
                + ": "
                + holdings(catalog));
      }
      targetTxid = t.txid();
      eligible = f -> f.maxTxid() <= t.txid();
    } else if (target instanceof RestoreTarget.AtTimestamp ts) {
      Instant earliest = catalog.earliest().orElseThrow();
      Instant latest = catalog.latest().orElseThrow();
      if (!ts.time().isAfter(earliest)) {
        throw new RestoreException(
            Reason.TARGET_NOT_AVAILABLE,
            "no backup on "
                + replica
                + " was created before "
                + ts.time()
                + ": "
                + holdings(catalog));
      }
      // A time after the newest file (e.g. "now" on an idle database) is the latest state, as in
      // Litestream: nothing changed between the newest file and that time.
      eligible = ts.time().isAfter(latest) ? f -> true : f -> f.createdAt().isBefore(ts.time());
      targetTxid =
          all.stream().filter(eligible).mapToLong(LtxFileInfo::maxTxid).max().orElseThrow();
    } else {
      throw new IllegalArgumentException("unknown restore target " + target);
    }
    List<LtxFileInfo> origins =
        all.stream()
            .filter(eligible)
            .filter(f -> f.minTxid() == 1 || fullFiles.contains(f))
            .sorted(RestorePlanner::originOrder)
            .toList();
    if (origins.isEmpty()) {
      throw noSnapshot(all, target, replica, catalog);
    }
    List<LtxFileInfo> continuations =
        all.stream()
            .filter(eligible)
            .filter(f -> f.minTxid() > 1)
            .sorted(RestorePlanner::continuationOrder)
            .toList();
    Search best = null;
    for (LtxFileInfo origin : origins) {
      Search s = Search.run(origin, continuations, targetTxid);
      if (s.path().isPresent()) {
        RestorePlan plan = new RestorePlan(target, s.path().get());
        checkSizes(plan, replica);
        return plan;
      }
      if (best == null || s.reach() > best.reach()) {
        best = s;
      }
    }
    throw unreachable(best, all, target, targetTxid, replica, catalog);
  }

  // Comparators as methods: the JDK's Comparator combinators create their lambdas at run time in
  // every command-line restore (not in the AOT cache), ours come from it.

  /** Where a restore may start: the newest first, then the higher level, then the smaller file. */
  private static int originOrder(LtxFileInfo a, LtxFileInfo b) {
    int c = Long.compare(b.maxTxid(), a.maxTxid());
    if (c == 0) {
      c = Integer.compare(b.level(), a.level());
    }
    return c != 0 ? c : Long.compare(a.size(), b.size());
  }

  /** What may follow: by max TXID, then the higher level, then by min TXID. */
  private static int continuationOrder(LtxFileInfo a, LtxFileInfo b) {
    int c = Long.compare(a.maxTxid(), b.maxTxid());
    if (c == 0) {
      c = Integer.compare(b.level(), a.level());
    }
    return c != 0 ? c : Long.compare(a.minTxid(), b.minTxid());
  }

  private static void checkSizes(RestorePlan plan, String replica) throws RestoreException {
    for (LtxFileInfo f : plan.files()) {
      if (f.size() < MIN_FILE_SIZE) {
        throw new RestoreException(
            Reason.CORRUPT_REPLICA,
            f.label()
                + " on "
                + replica
                + " is "
                + f.size()
                + " bytes long, too short for an LTX file (at least "
                + MIN_FILE_SIZE
                + " bytes): the replica is damaged; restore an earlier point (-txid/-timestamp) or remove the file");
      }
    }
  }

  private static RestoreException noSnapshot(
      List<LtxFileInfo> all, RestoreTarget target, String replica, ReplicaCatalog catalog) {
    Optional<LtxFileInfo> firstSnapshot =
        all.stream()
            .filter(f -> f.minTxid() == 1)
            .min(Comparator.comparingLong(LtxFileInfo::maxTxid));
    if (firstSnapshot.isPresent()) {
      LtxFileInfo s = firstSnapshot.get();
      return new RestoreException(
          Reason.TARGET_NOT_AVAILABLE,
          target
              + " is before the oldest restorable point on "
              + replica
              + ": the oldest snapshot, L"
              + s.level()
              + "/"
              + s.name()
              + ", reaches TXID "
              + Txid.format(s.maxTxid())
              + " (created "
              + s.createdAt()
              + "); "
              + holdings(catalog));
    }
    long oldest = all.stream().mapToLong(LtxFileInfo::minTxid).min().orElseThrow();
    return new RestoreException(
        Reason.GAP,
        replica
            + " has no snapshot: no file starts at TXID "
            + Txid.format(1)
            + " (no L9 snapshot and no full file at levels 0-8), so TXIDs "
            + range(1, oldest - 1)
            + " are missing; the oldest file starts at TXID "
            + Txid.format(oldest));
  }

  private static RestoreException unreachable(
      Search best,
      List<LtxFileInfo> all,
      RestoreTarget target,
      long targetTxid,
      String replica,
      ReplicaCatalog catalog) {
    long reach = best.reach();
    String from =
        "the files from snapshot L"
            + best.origin().level()
            + "/"
            + best.origin().name()
            + " reach TXID "
            + Txid.format(reach);
    if (target instanceof RestoreTarget.AtTxid) {
      Optional<LtxFileInfo> covering =
          all.stream()
              .filter(f -> f.minTxid() <= reach + 1 && f.maxTxid() > targetTxid)
              .min(Comparator.comparingLong(LtxFileInfo::maxTxid));
      if (covering.isPresent()) {
        LtxFileInfo c = covering.get();
        return new RestoreException(
            Reason.TARGET_NOT_AVAILABLE,
            "TXID "
                + Txid.format(targetTxid)
                + " cannot be restored exactly from "
                + replica
                + ": "
                + from
                + " and the next file, L"
                + c.level()
                + "/"
                + c.name()
                + ", holds TXIDs "
                + range(c.minTxid(), c.maxTxid())
                + " as one compacted file (the single transactions are gone); the nearest restorable TXIDs are "
                + Txid.format(reach)
                + " and "
                + Txid.format(c.maxTxid()));
      }
    }
    Optional<Long> next =
        all.stream()
            .map(LtxFileInfo::minTxid)
            .filter(m -> m > reach + 1)
            .min(Comparator.naturalOrder());
    if (next.isPresent()) {
      LtxFileInfo nextFile =
          all.stream().filter(f -> f.minTxid() == next.get()).findFirst().orElseThrow();
      return new RestoreException(
          Reason.GAP,
          replica
              + " has a gap: TXIDs "
              + range(reach + 1, next.get() - 1)
              + " are missing ("
              + from
              + "; the next file, L"
              + nextFile.level()
              + "/"
              + nextFile.name()
              + ", starts at TXID "
              + Txid.format(next.get())
              + "); restore TXID "
              + Txid.format(reach)
              + " or earlier with -txid");
    }
    return new RestoreException(
        Reason.GAP,
        "cannot reach TXID "
            + Txid.format(targetTxid)
            + " on "
            + replica
            + ": "
            + from
            + " and no file continues them; "
            + holdings(catalog));
  }

  /** What the replica holds, for messages. */
  static String holdings(ReplicaCatalog catalog) {
    List<LtxFileInfo> files = catalog.files();
    long min = files.stream().mapToLong(LtxFileInfo::minTxid).min().orElse(0);
    return "it holds TXIDs "
        + range(min, catalog.maxTxid())
        + " in "
        + files.size()
        + " files created from "
        + catalog.earliest().orElseThrow()
        + " to "
        + catalog.latest().orElseThrow();
  }

  private static String range(long from, long to) {
    return Txid.format(from) + "-" + Txid.format(to);
  }

  /**
   * The cheapest way from one origin to the target over the TXID states the files end at.
   *
   * @param path the plan, if the target is reachable
   * @param reach the highest TXID reachable from the origin (at most the target)
   */
  private record Search(LtxFileInfo origin, Optional<List<LtxFileInfo>> path, long reach) {

    static Search run(LtxFileInfo origin, List<LtxFileInfo> continuations, long target) {
      long start = origin.maxTxid();
      if (start == target) {
        return new Search(origin, Optional.of(List.of(origin)), start);
      }
      List<LtxFileInfo> files =
          continuations.stream().filter(f -> f.maxTxid() > start && f.maxTxid() <= target).toList();
      long[] states = new long[files.size() + 1];
      int n = 0;
      states[n++] = start;
      for (LtxFileInfo f : files) {
        if (f.maxTxid() != states[n - 1]) {
          states[n++] = f.maxTxid();
        }
      }
      states = Arrays.copyOf(states, n);
      Cost[] best = new Cost[n];
      best[0] = new Cost(1, 0, origin.size(), -1, origin);
      int next = 0;
      for (int i = 1; i < n; i++) {
        for (; next < files.size() && files.get(next).maxTxid() == states[i]; next++) {
          LtxFileInfo f = files.get(next);
          long from = Math.max(start, f.minTxid() - 1);
          int j = Arrays.binarySearch(states, 0, i, from);
          for (j = j >= 0 ? j : -j - 1; j < i; j++) {
            if (best[j] == null) {
              continue;
            }
            Cost c = best[j].then(f, j, states[j] != f.minTxid() - 1);
            if (best[i] == null || c.isBetterThan(best[i])) {
              best[i] = c;
            }
          }
        }
      }
      long reach = start;
      for (int i = n - 1; i >= 0; i--) {
        if (best[i] != null) {
          reach = states[i];
          break;
        }
      }
      if (states[n - 1] != target || best[n - 1] == null) {
        return new Search(origin, Optional.empty(), reach);
      }
      List<LtxFileInfo> path = new ArrayList<>();
      for (int i = n - 1; i >= 0; i = best[i].previous()) {
        path.add(best[i].file());
      }
      return new Search(origin, Optional.of(path.reversed()), target);
    }
  }

  /** The cost of reaching a state, and the last file on the way there. */
  private record Cost(int files, int overlaps, long bytes, int previous, LtxFileInfo file) {
    Cost then(LtxFileInfo f, int from, boolean overlap) {
      return new Cost(files + 1, overlaps + (overlap ? 1 : 0), bytes + f.size(), from, f);
    }

    boolean isBetterThan(Cost o) {
      if (files != o.files) {
        return files < o.files;
      }
      if (overlaps != o.overlaps) {
        return overlaps < o.overlaps;
      }
      return bytes < o.bytes;
    }
  }
}
