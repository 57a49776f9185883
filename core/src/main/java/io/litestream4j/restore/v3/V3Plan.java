package io.litestream4j.restore.v3;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a restore from Litestream 0.3 backups applies: one snapshot, then for each WAL index from
 * the snapshot's on, that WAL file's segments in offset order (each index is written out as a WAL
 * file and checkpointed into the database, as Litestream 0.3 restores).
 *
 * @param snapshot the starting point
 * @param wal per WAL index (consecutive from the snapshot's), its segments, first at offset 0
 */
public record V3Plan(V3Snapshot snapshot, List<List<V3WalSegment>> wal) {
  public V3Plan {
    Objects.requireNonNull(snapshot, "snapshot");
    wal = wal.stream().map(List::copyOf).toList();
  }

  public String generation() {
    return snapshot.generation();
  }

  /** The last WAL index applied (the snapshot's when there is no WAL). */
  public long lastIndex() {
    return wal.isEmpty() ? snapshot.index() : wal.getLast().getFirst().index();
  }

  public int segmentCount() {
    return wal.stream().mapToInt(List::size).sum();
  }

  @Override
  public String toString() {
    return "v0.3 generation "
        + generation()
        + ": snapshot "
        + snapshot.name()
        + " then WAL indexes "
        + wal.stream()
            .map(l -> V3Names.index(l.getFirst().index()) + " (" + l.size() + " segments)")
            .collect(Collectors.joining(", "));
  }
}
