package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestorePlan;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.replica.file.FileReplicaClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers for the compaction issue: with compressed time (levels 1 s / 3 s / 9 s, snapshots every
 * 10 s kept 20 s — one "hour" of Litestream's default schedule ≈ 9 s here) and a steady writer, the
 * files a latest-state restore reads and its time, sampled as history grows, plus replica bytes /
 * database bytes at the end. Run with {@code -Pslow -Dtest=CompactionMeasurements}.
 */
@Tag("slow")
class CompactionMeasurements {
  @TempDir Path dir;

  @Test
  void restoreCostStaysFlatAsHistoryGrows() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    StoreOptions store =
        StoreOptions.DEFAULTS
            .withLevels(
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(9)))
            .withSnapshots(Duration.ofSeconds(10), Duration.ofSeconds(20))
            .withL0Retention(Duration.ofSeconds(2), Duration.ofSeconds(1))
            .withRetentionGrace(Duration.ofSeconds(2));
    ReplicationOptions opts =
        ReplicationOptions.of(db, replica.toUri().toString())
            .withSyncInterval(Duration.ZERO)
            .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(100)))
            .withStore(store);
    Random rnd = new Random(5);
    int maxFiles = 0;
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        FileReplicaClient reader = new FileReplicaClient(replica)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, body BLOB)");
      }
      Restorer restorer = new Restorer(reader);
      try (Replication r = Replication.start(opts);
          Statement st = app.createStatement()) {
        long start = System.nanoTime();
        long nextSample = start;
        int sample = 0;
        while (System.nanoTime() - start
            < Duration.ofSeconds(Long.getLong("measure.seconds", 60)).toNanos()) {
          // steady load: inserts plus updates of a hot set, ~100 commits/s
          st.execute("INSERT INTO t (k, body) VALUES (" + rnd.nextInt(1000) + ", randomblob(500))");
          st.execute("UPDATE t SET body = randomblob(500) WHERE k = " + rnd.nextInt(1000));
          Thread.sleep(10);
          if (System.nanoTime() >= nextSample) {
            nextSample += Duration.ofSeconds(10).toNanos();
            RestorePlan plan = restorer.plan(RestoreTarget.latest());
            Path out = dir.resolve("sample-" + sample++ + ".db");
            long t0 = System.nanoTime();
            restorer.restore(RestoreOptions.of(out));
            double ms = (System.nanoTime() - t0) / 1e6;
            long txid = r.position().txid();
            var perLevel = new java.util.TreeMap<Integer, Integer>();
            plan.files().forEach(f -> perLevel.merge(f.level(), 1, Integer::sum));
            System.out.printf(
                "compaction history=%2ds txid=%5d restore-files=%3d %s restore-bytes=%8d restore-ms=%6.1f"
                    + " replica-files=%4d%n",
                (System.nanoTime() - start) / 1_000_000_000L,
                txid,
                plan.files().size(),
                perLevel,
                plan.totalBytes(),
                ms,
                countFiles(replica));
            if (sample > 2) {
              maxFiles = Math.max(maxFiles, plan.files().size());
            }
            Files.delete(out);
          }
        }
        r.syncAndAwait(Duration.ofSeconds(30));
      }
    }
    long replicaBytes = bytes(replica);
    System.out.printf(
        "compaction replica-bytes/db-bytes=%.2f (replica %d bytes, database %d bytes)%n",
        (double) replicaBytes / Files.size(db), replicaBytes, Files.size(db));
    // Bounded by what one L1 interval holds (~100 TXIDs at this rate) plus one file per level, not
    // by history.
    assertThat(maxFiles).as("restore plans stay bounded").isLessThan(400);
  }

  private static long countFiles(Path replica) throws Exception {
    try (Stream<Path> s = Files.list(replica.resolve("ltx"))) {
      long n = 0;
      for (Path level : s.toList()) {
        n += level.toFile().list((d, name) -> name.endsWith(".ltx")).length;
      }
      return n;
    }
  }

  private static long bytes(Path replica) throws Exception {
    long n = 0;
    for (java.io.File level : replica.resolve("ltx").toFile().listFiles()) {
      for (java.io.File f : level.listFiles((d, name) -> name.endsWith(".ltx"))) {
        n += f.length();
      }
    }
    return n;
  }
}
