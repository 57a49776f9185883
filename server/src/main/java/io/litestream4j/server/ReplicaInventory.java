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
 * {@code maxAge}, or until the replica's TXID moved (then at most once per {@link #MIN_AGE}), and
 * refreshed by the requesting thread, one at a time.
 */
final class ReplicaInventory {
  private final ReplicaClient client;
  private final Duration maxAge;
  private final Clock clock;
  static final Duration MIN_AGE = Duration.ofSeconds(1);

  private ReplicaSummary cached;
  private long cachedTxid = -1;

  ReplicaInventory(ReplicaClient client, Duration maxAge, Clock clock) {
    this.client = client;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /**
   * @param replicaTxid the replica's TXID now; a change makes the listing stale
   */
  synchronized ReplicaSummary summary(long replicaTxid) {
    Instant now = clock.instant();
    boolean stale =
        cached == null
            || cached.listedAt().plus(maxAge).isBefore(now)
            || (replicaTxid != cachedTxid && cached.listedAt().plus(MIN_AGE).isBefore(now));
    if (stale) {
      cached = list(now);
      cachedTxid = replicaTxid;
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
    return new ReplicaSummary(
        levels, Optional.ofNullable(oldest), Optional.ofNullable(newest), now, Optional.empty());
  }
}
