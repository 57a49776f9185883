package io.litestream4j.server;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cached listing of one replica for the metrics and the status page. Listing every level of an
 * object store on each scrape would cost ten LIST requests per database; the summary is reused for
 * {@code maxAge} and refreshed on the first request after it, by the requesting thread, one at a
 * time.
 */
final class ReplicaInventory {
  private final ReplicaClient client;
  private final Duration maxAge;
  private final Clock clock;
  private ReplicaSummary cached;

  ReplicaInventory(ReplicaClient client, Duration maxAge, Clock clock) {
    this.client = client;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  synchronized ReplicaSummary summary() {
    Instant now = clock.instant();
    if (cached == null || cached.listedAt().plus(maxAge).isBefore(now)) {
      cached = list(now);
    }
    return cached;
  }

  private ReplicaSummary list(Instant now) {
    List<ReplicaSummary.Level> levels = new ArrayList<>();
    Instant oldest = null;
    Instant newest = null;
    try {
      for (int level = LtxFileInfo.L0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
        List<LtxFileInfo> files = client.ltxFiles(level, 1);
        if (files.isEmpty()) {
          continue;
        }
        long bytes = 0;
        for (LtxFileInfo f : files) {
          bytes += f.size();
          if (f.minTxid() == 1 && (oldest == null || f.createdAt().isBefore(oldest))) {
            oldest = f.createdAt();
          }
          if (newest == null || f.createdAt().isAfter(newest)) {
            newest = f.createdAt();
          }
        }
        levels.add(new ReplicaSummary.Level(level, files.size(), bytes));
      }
    } catch (IOException | RuntimeException e) {
      return ReplicaSummary.failed(now, String.valueOf(e.getMessage()));
    }
    return new ReplicaSummary(levels, Optional.ofNullable(oldest), Optional.ofNullable(newest), now,
        Optional.empty());
  }
}
