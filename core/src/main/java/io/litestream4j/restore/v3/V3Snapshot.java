package io.litestream4j.restore.v3;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * A Litestream 0.3 snapshot: the whole database at the start of WAL index {@code index}.
 *
 * @param createdAt when it was written (file modification time / object upload time)
 */
public record V3Snapshot(String generation, long index, long size, Instant createdAt) {

  /** The order snapshots are listed and applied in: by WAL index. */
  public static final Comparator<V3Snapshot> BY_INDEX = Comparator.comparingLong(V3Snapshot::index);

  public V3Snapshot {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /**
   * The snapshot a listed file or object name denotes; empty when the name is not a snapshot's
   * (every backend lists through this, so all accept the same names).
   */
  public static Optional<V3Snapshot> fromName(
      String generation, String name, long size, Instant createdAt) {
    return V3Names.snapshotIndex(name).map(i -> new V3Snapshot(generation, i, size, createdAt));
  }

  /** Its file name, {@code <index %08x>.snapshot.lz4}. */
  public String name() {
    return V3Names.snapshot(index);
  }

  @Override
  public String toString() {
    return "generations/" + generation + "/snapshots/" + name();
  }
}
