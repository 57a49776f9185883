package io.litestream4j.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.ForwardingReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second interrupt signal ({@link Replication#abandonShutdownSync()}) cancels uploads in flight:
 * a backend that stalls mid-upload (a hung connection; it cannot be caused for real on a local file
 * system) does not hold the shutdown for its retry budget.
 */
class AbandonShutdownSyncTest {
  @TempDir Path dir;

  /**
   * Every upload hangs until its thread is interrupted, as a stalled socket read with no timeout.
   */
  static final class StalledClient extends ForwardingReplicaClient {
    final AtomicInteger stalled = new AtomicInteger();

    StalledClient(ReplicaClient delegate) {
      super(delegate);
    }

    @Override
    public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
        throws IOException {
      stalled.incrementAndGet();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        throw new InterruptedIOException("upload interrupted");
      }
      throw new AssertionError("unreachable");
    }
  }

  @Test
  void secondSignalCancelsAStalledFinalUploadAtOnce() throws Exception {
    Path dbPath = dir.resolve("app.db");
    // Snapshots stall too (a snapshot is due at start): both the uploader and the store are
    // cancelled.
    StalledClient client = new StalledClient(new FileReplicaClient(dir.resolve("replica")));
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + dbPath)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (v)");
        st.execute("INSERT INTO t VALUES ('never uploaded')");
      }
      Replication r =
          Replication.start(
              ReplicationOptions.of(dbPath, dir.resolve("replica").toUri().toString())
                  .withSyncInterval(Duration.ZERO)
                  .withShutdownSync(Duration.ofMinutes(5), Duration.ofMillis(100)),
              client);
      r.sync();
      Await.until(
          () -> client.stalled.get() >= 1, Duration.ofSeconds(30), "the first upload to stall");

      CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(r::shutdown);
      // The upload thread is joined first, then the final upload stalls on the shutting-down
      // thread.
      Thread.sleep(
          200); // lets the shutdown reach a stalled upload; the outcome does not depend on it
      long start = System.nanoTime();
      r.abandonShutdownSync();
      boolean complete = shutdown.get(20, TimeUnit.SECONDS);
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      assertThat(complete).as("nothing was uploaded").isFalse();
      assertThat(tookMillis).as("shutdown ended soon after the second signal").isLessThan(10_000);
    }
  }
}
