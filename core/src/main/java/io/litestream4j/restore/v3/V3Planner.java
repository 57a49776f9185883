package io.litestream4j.restore.v3;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestoreTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses what a restore from Litestream 0.3 backups applies, by Litestream 0.3's rules: the latest
 * state is the newest snapshot of the generation updated last, plus every WAL segment of that
 * generation from the snapshot's index on; a point in time is the newest snapshot created at or
 * before it (any generation), plus that generation's segments created at or before it. WAL indexes
 * must be consecutive and each must start at offset 0: a hole is an error naming the missing WAL
 * index or segment. Stateless.
 */
public final class V3Planner {
  private V3Planner() {}

  /**
   * @throws RestoreException if the backups cannot rebuild the target: no snapshot, a missing WAL
   *     index or segment, a timestamp before the first snapshot, or a TXID target
   */
  public static V3Plan plan(V3Catalog catalog, RestoreTarget target, String replica)
      throws RestoreException {
    if (catalog.isEmpty()) {
      throw new RestoreException(Reason.NO_BACKUPS, "no Litestream v0.3 backups on " + replica);
    }
    V3Snapshot snapshot;
    List<V3WalSegment> segments;
    switch (target) {
      case RestoreTarget.AtTxid t ->
          throw new RestoreException(
              Reason.TARGET_NOT_AVAILABLE,
              replica
                  + " holds Litestream v0.3 backups (generations/), which have no TXIDs: restore the latest state or use"
                  + " -timestamp");
      case RestoreTarget.Latest l -> {
        V3Catalog.Generation g =
            catalog.generations().values().stream()
                .filter(x -> x.updatedAt().isPresent())
                .max(Comparator.comparing((V3Catalog.Generation x) -> x.updatedAt().orElseThrow()))
                .orElseThrow();
        if (g.snapshots().isEmpty()) {
          throw new RestoreException(
              Reason.GAP,
              "the newest Litestream v0.3 generation on "
                  + replica
                  + ", "
                  + g.id()
                  + ", has WAL segments but no snapshot, so it cannot be restored; "
                  + catalog.describe());
        }
        snapshot = g.snapshots().getLast();
        long from = snapshot.index();
        segments = g.segments().stream().filter(s -> s.index() >= from).toList();
      }
      case RestoreTarget.AtTimestamp ts -> {
        Optional<V3Snapshot> s = catalog.snapshotAt(ts.time());
        if (s.isEmpty()) {
          throw new RestoreException(
              Reason.TARGET_NOT_AVAILABLE,
              "no Litestream v0.3 snapshot on "
                  + replica
                  + " was created at or before "
                  + ts.time()
                  + "; "
                  + catalog.describe());
        }
        snapshot = s.get();
        V3Catalog.Generation g = catalog.generations().get(snapshot.generation());
        segments = new ArrayList<>();
        for (V3WalSegment seg : g.segments()) {
          if (seg.index() < snapshot.index()) {
            continue;
          }
          if (seg.createdAt().isAfter(ts.time())) {
            break;
          }
          segments.add(seg);
        }
      }
    }
    return new V3Plan(snapshot, group(snapshot, segments, replica));
  }

  private static List<List<V3WalSegment>> group(
      V3Snapshot snapshot, List<V3WalSegment> segments, String replica) throws RestoreException {
    List<List<V3WalSegment>> byIndex = new ArrayList<>();
    long expected = snapshot.index();
    for (V3WalSegment s : segments) {
      if (!byIndex.isEmpty() && byIndex.getLast().getFirst().index() == s.index()) {
        byIndex.getLast().add(s);
        continue;
      }
      if (s.index() != expected) {
        throw new RestoreException(
            Reason.GAP,
            "missing WAL index "
                + V3Names.index(expected)
                + " in Litestream v0.3"
                + " generation "
                + snapshot.generation()
                + " on "
                + replica
                + ": the snapshot "
                + snapshot.name()
                + " is followed by WAL "
                + (expected == snapshot.index()
                    ? ""
                    : "up to index " + V3Names.index(expected - 1) + ", then ")
                + "index "
                + V3Names.index(s.index())
                + "; restore an earlier point with -timestamp");
      }
      if (s.offset() != 0) {
        throw new RestoreException(
            Reason.GAP,
            "missing WAL segment "
                + V3Names.walSegment(s.index(), 0)
                + " in Litestream v0.3 generation "
                + snapshot.generation()
                + " on "
                + replica
                + ": WAL index "
                + V3Names.index(s.index())
                + " starts at offset "
                + Long.toHexString(s.offset()));
      }
      List<V3WalSegment> l = new ArrayList<>();
      l.add(s);
      byIndex.add(l);
      expected = s.index() + 1;
    }
    return byIndex;
  }
}
