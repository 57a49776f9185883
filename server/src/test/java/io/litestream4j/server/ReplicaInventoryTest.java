package io.litestream4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.ForwardingReplicaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scrape must not wait for an unreachable replica: with the S3 server down, each listing waited
 * out the SDK's retries and scrapes took 13–28 s (Prometheus gives up after 10 s, dropping every
 * database's metrics). A listing that hangs here stands for that server.
 */
class ReplicaInventoryTest {
  @TempDir Path dir;

  @Test
  void aHangingListingDelaysOnlyTheFirstSummaryAndOnlyBriefly() throws Exception {
    CountDownLatch serverBack = new CountDownLatch(1);
    AtomicInteger listings = new AtomicInteger();
    ForwardingReplicaClient client =
        new ForwardingReplicaClient(new FileReplicaClient(dir.resolve("replica"))) {
          @Override
          public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
            if (level == 0) {
              listings.incrementAndGet();
            }
            try {
              if (!serverBack.await(60, TimeUnit.SECONDS)) {
                throw new IOException("Connection refused");
              }
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            return super.ltxFiles(level, seekTxid);
          }
        };
    ReplicaInventory inventory = new ReplicaInventory(client, Duration.ZERO, Clock.systemUTC());

    long start = System.nanoTime();
    ReplicaSummary first = inventory.summary(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("the first summary waits at most %s", ReplicaInventory.LISTING_WAIT)
        .isLessThan(ReplicaInventory.LISTING_WAIT.plusSeconds(2));
    assertThat(first.error()).contains("the replica is still being listed");

    start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      inventory.summary(1); // stale (max age 0), one listing already running: not waited for
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(listings.get()).as("listings started while one hangs").isEqualTo(1);

    serverBack.countDown();
    Await.until(
        () -> inventory.summary(1).error().isEmpty(), Duration.ofSeconds(30), "a good listing");
  }
}
