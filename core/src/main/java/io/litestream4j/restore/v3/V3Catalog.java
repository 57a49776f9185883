package io.litestream4j.restore.v3;

import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every Litestream 0.3 backup a replica holds, listed at one moment, by generation.
 *
 * @param generations generation id to its files
 */
public record V3Catalog(Map<String, Generation> generations) {

  /** One generation's snapshots (by index) and WAL segments (by index, offset). */
  public record Generation(String id, List<V3Snapshot> snapshots, List<V3WalSegment> segments) {
    public Generation {
      snapshots = snapshots.stream().sorted(V3Snapshot.BY_INDEX).toList();
      segments = segments.stream().sorted(V3WalSegment.BY_POSITION).toList();
    }

    /** The newest creation time of any of its files. */
    public Optional<Instant> updatedAt() {
      return Stream.concat(
              snapshots.stream().map(V3Snapshot::createdAt),
              segments.stream().map(V3WalSegment::createdAt))
          .max(Comparator.naturalOrder());
    }

    public Optional<Instant> createdAt() {
      return Stream.concat(
              snapshots.stream().map(V3Snapshot::createdAt),
              segments.stream().map(V3WalSegment::createdAt))
          .min(Comparator.naturalOrder());
    }
  }

  public V3Catalog {
    generations = new TreeMap<>(generations);
  }

  /** Lists every generation of {@code client}. */
  public static V3Catalog load(V3ReplicaClient client) throws IOException {
    Map<String, Generation> all = new TreeMap<>();
    for (String g : client.v3Generations()) {
      all.put(g, new Generation(g, client.v3Snapshots(g), client.v3WalSegments(g)));
    }
    return new V3Catalog(all);
  }

  /** True if no generation holds any file. */
  public boolean isEmpty() {
    return generations.values().stream()
        .allMatch(g -> g.snapshots().isEmpty() && g.segments().isEmpty());
  }

  /** The newest creation time of any file. */
  public Optional<Instant> latest() {
    return generations.values().stream()
        .map(Generation::updatedAt)
        .flatMap(Optional::stream)
        .max(Comparator.naturalOrder());
  }

  public Optional<Instant> earliest() {
    return generations.values().stream()
        .map(Generation::createdAt)
        .flatMap(Optional::stream)
        .min(Comparator.naturalOrder());
  }

  /** The newest snapshot created at or before {@code time}, across all generations. */
  public Optional<V3Snapshot> snapshotAt(Instant time) {
    return generations.values().stream()
        .flatMap(g -> g.snapshots().stream())
        .filter(s -> !s.createdAt().isAfter(time))
        .max(Comparator.comparing(V3Snapshot::createdAt).thenComparingLong(V3Snapshot::index));
  }

  /** A short description for messages. */
  public String describe() {
    long snapshots = generations.values().stream().mapToLong(g -> g.snapshots().size()).sum();
    long segments = generations.values().stream().mapToLong(g -> g.segments().size()).sum();
    return generations.size()
        + " generation(s), "
        + snapshots
        + " snapshot(s), "
        + segments
        + " WAL segment(s)"
        + earliest().map(e -> " created from " + e + " to " + latest().orElseThrow()).orElse("");
  }
}
