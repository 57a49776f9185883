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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A cached listing of one replica for the metrics and the status page. Listing every level of an
 * object store on each scrape would cost ten LIST requests per database; the summary is reused for
 * {@code maxAge}, or until the replica's TXID moved (then at most once per {@link #MIN_AGE}).
 *
 * <p>A scrape never waits long for the replica (with the server unreachable a listing takes its ten
 * retries, 13–28 s in a tour, and Prometheus gives a scrape 10 s): one listing at a time refreshes
 * the summary on a virtual thread; the caller that starts it waits for it at most {@link
 * #LISTING_WAIT} and otherwise gets the summary as it was, and callers that find a listing running
 * get that at once.
 */
final class ReplicaInventory {
  private final ReplicaClient client;
  private final Duration maxAge;
  private final Clock clock;
  static final Duration MIN_AGE = Duration.ofSeconds(1);
  static final Duration LISTING_WAIT = Duration.ofSeconds(2);

  private @Nullable ReplicaSummary cached; // guarded by this
  private long cachedTxid = -1; // guarded by this
  private @Nullable CompletableFuture<ReplicaSummary> refreshing; // guarded by this

  ReplicaInventory(ReplicaClient client, Duration maxAge, Clock clock) {
    this.client = client;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /**
   * @param replicaTxid the replica's TXID now; a change makes the listing stale
   */
  ReplicaSummary summary(long replicaTxid) {
    CompletableFuture<ReplicaSummary> waitFor;
    synchronized (this) {
      Instant now = clock.instant();
      boolean stale =
          cached == null
              || cached.listedAt().plus(maxAge).isBefore(now)
              || (replicaTxid != cachedTxid && cached.listedAt().plus(MIN_AGE).isBefore(now));
      if (stale && refreshing == null) {
        CompletableFuture<ReplicaSummary> f = new CompletableFuture<>();
        refreshing = f;
        Thread.ofVirtual()
            .name("l4j-replica-listing")
            .start(
                () -> {
                  ReplicaSummary listed = list(clock.instant());
                  synchronized (this) {
                    cached = listed;
                    cachedTxid = replicaTxid;
                    refreshing = null;
                  }
                  f.complete(listed);
                });
        waitFor = f; // the caller that starts a listing waits for it, briefly
      } else if (cached != null) {
        return cached; // fresh, or a listing is already running: never wait for that one
      } else {
        waitFor = refreshing;
      }
    }
    try {
      return waitFor.get(LISTING_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      ReplicaSummary pending =
          ReplicaSummary.failed(clock.instant(), "the replica is still being listed");
      synchronized (this) {
        if (cached == null) {
          cached = pending; // later summaries return at once until the listing ends
        }
        return cached;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ReplicaSummary.failed(clock.instant(), "interrupted while listing the replica");
    }
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
