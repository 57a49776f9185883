package io.litestream4j.server;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a replica holds, from one listing of every level: file count and bytes per level and the
 * restorable window.
 *
 * @param levels one entry per non-empty level, in level order
 * @param oldestRestorable creation time of the oldest file that starts at TXID 1 (a snapshot or a
 *     compacted/L0 file from the beginning): the earliest point a restore can reach
 * @param newestRestorable creation time of the newest file: the latest point a restore reaches
 * @param listedAt when the listing was taken
 * @param error why the listing failed, if it did (the other fields are then empty)
 */
public record ReplicaSummary(
    List<Level> levels,
    Optional<Instant> oldestRestorable,
    Optional<Instant> newestRestorable,
    Instant listedAt,
    Optional<String> error) {

  public record Level(int level, int files, long bytes) {}

  public ReplicaSummary {
    levels = List.copyOf(levels);
  }

  static ReplicaSummary failed(Instant at, String error) {
    return new ReplicaSummary(
        List.of(), Optional.empty(), Optional.empty(), at, Optional.of(error));
  }
}
