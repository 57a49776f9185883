package io.litestream4j.restore.v3;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * A piece of one WAL file as Litestream 0.3 shipped it: the bytes of WAL {@code index} starting at
 * byte {@code offset} (offsets beyond 4 GiB are valid, Litestream issue 1442).
 *
 * @param size the stored (compressed) size
 * @param createdAt when it was written (file modification time / object upload time)
 */
public record V3WalSegment(
    String generation, long index, long offset, long size, Instant createdAt) {

  /** The order segments are listed and applied in: by WAL index, then offset. */
  public static final Comparator<V3WalSegment> BY_POSITION =
      Comparator.comparingLong(V3WalSegment::index).thenComparingLong(V3WalSegment::offset);

  public V3WalSegment {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /**
   * The segment a listed file or object name denotes; empty when the name is not a WAL segment's
   * (every backend lists through this, so all accept the same names).
   */
  public static Optional<V3WalSegment> fromName(
      String generation, String name, long size, Instant createdAt) {
    return V3Names.walSegment(name)
        .map(x -> new V3WalSegment(generation, x[0], x[1], size, createdAt));
  }

  /** Its file name, {@code <index %08x>_<offset %08x>.wal.lz4}. */
  public String name() {
    return V3Names.walSegment(index, offset);
  }

  @Override
  public String toString() {
    return "generations/" + generation + "/wal/" + name();
  }
}
