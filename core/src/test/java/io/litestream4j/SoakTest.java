package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.DbCompare;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak of the fault suite: an application commits continuously (inserts, updates, deletes, its
 * own checkpoints) while replication, compaction, snapshots and retention run with short intervals;
 * periodically a real restore of the latest state runs <em>while</em> all that continues. Every
 * restore must pass {@code integrity_check}, hold a gap-free prefix of the application's history
 * (nothing lost in the middle), never go backwards, and lag the application by a bounded amount.
 *
 * <p>{@code litestream4j.soak.seconds}: 20 in the normal build, 600 with {@code -Pfaults}.
 */
class SoakTest {
  @TempDir Path dir;

  @Test
  void restoresWhileReplicatingCompactingAndRetaining() throws Exception {
    long seconds = Long.getLong("litestream4j.soak.seconds", 20);
    Duration restoreEvery = Duration.ofSeconds(seconds >= 120 ? 15 : 3);
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong committed = new AtomicLong();
    StoreOptions store =
        StoreOptions.DEFAULTS
            .withLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(3)))
            .withSnapshots(Duration.ofSeconds(5), Duration.ofSeconds(10))
            .withL0Retention(Duration.ofSeconds(2), Duration.ofSeconds(1))
            .withRetentionGrace(Duration.ofSeconds(2));
    int restores = 0;
    int failures = 0;
    long maxLag = 0;
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("PRAGMA busy_timeout=5000");
        st.execute("CREATE TABLE seq (n INTEGER PRIMARY KEY, touched INTEGER DEFAULT 0, pad BLOB)");
      }
      ReplicationOptions opts =
          ReplicationOptions.of(db, replica.toUri().toString())
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(
                  DbOptions.DEFAULTS
                      .withMonitorInterval(Duration.ofMillis(100))
                      .withMinCheckpointPageCount(200))
              .withStore(store);
      try (Replication r = Replication.start(opts)) {
        Thread writer =
            Thread.ofPlatform().name("soak-writer").start(() -> write(app, stop, committed));
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long lastRestored = 0;
        try (FileReplicaClient client = new FileReplicaClient(replica)) {
          Restorer restorer = new Restorer(client);
          while (System.nanoTime() < end) {
            Thread.sleep(restoreEvery.toMillis());
            long committedBefore = committed.get();
            Path out = dir.resolve("restore-" + restores + ".db");
            RestoreResult result =
                restorer.restore(
                    RestoreOptions.of(out).withIntegrityCheck(RestoreOptions.IntegrityCheck.FULL));
            restores++;
            long[] rows = countAndMax(out);
            boolean ok =
                rows[0] == rows[1] // 1..max, no hole
                    && rows[1] >= lastRestored // never backwards
                    && DbCompare.integrityCheck(out).equals("ok");
            if (!ok) {
              failures++;
            }
            maxLag = Math.max(maxLag, committedBefore - rows[1]);
            assertThat(ok)
                .as(
                    "restore %d at TXID %d: rows=%d max=%d previous=%d",
                    restores, result.txid(), rows[0], rows[1], lastRestored)
                .isTrue();
            lastRestored = rows[1];
            java.nio.file.Files.delete(out);
          }
        } finally {
          stop.set(true);
          writer.join();
        }
        r.syncAndAwait(Duration.ofSeconds(30));
        assertThat(r.store().stats().failures())
            .as("store failures, the last: %s", r.store().stats().lastFailure())
            .isZero();
      }
    } finally {
      System.out.printf(
          "fault-suite: scenario=soak-%ds iterations=%d failures=%d data-lost=%d max-lag-rows=%d%n",
          seconds, restores, failures, failures, maxLag);
    }
    assertThat(restores).isPositive();
    // Lag is measured in rows committed before the restore started but missing from it.
    assertThat(maxLag)
        .as("restores lag the application by a bounded number of commits")
        .isLessThan(2_000);
  }

  private static void write(Connection app, AtomicBoolean stop, AtomicLong committed) {
    Random rnd = new Random(3);
    try (Statement st = app.createStatement()) {
      while (!stop.get()) {
        long n = committed.get() + 1;
        st.execute(
            "INSERT INTO seq (n, pad) VALUES ("
                + n
                + ", randomblob("
                + (200 + rnd.nextInt(3000))
                + "))");
        committed.set(n);
        if (n % 10 == 0) {
          st.execute("UPDATE seq SET touched = touched + 1 WHERE n % 7 = " + rnd.nextInt(7));
        }
        if (n % 50 == 0) {
          st.execute("UPDATE seq SET pad = NULL WHERE n < " + (n - 100));
        }
        if (n % 500 == 0) {
          st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        Thread.sleep(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long[] countAndMax(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), coalesce(max(n), 0) FROM seq")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }
}
