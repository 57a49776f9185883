package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.Restorer;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.replica.ReplicaClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The object-store measurements every backend's slow test reports the same way: commit-to-replica
 * lag at 100 commits/s, and restore throughput with parallelism 1 vs 8 measured alternately.
 *
 * <p>Lag method: checkpoints are disabled so the WAL only grows; after each commit the writer notes
 * the WAL's size, i.e. where that commit ends. A probe watches the replica's acknowledged TXID;
 * each acknowledged L0 file's header says up to which WAL offset it reaches, so a commit is on the
 * replica at the first acknowledgement whose file reaches its offset.
 */
public final class ReplicationMeasurements {

  private ReplicationMeasurements() {}

  /**
   * Commits 1 KiB rows every 10 ms for {@code length} while replicating to {@code client} (owned
   * and closed by the replication) and returns each commit's lag in milliseconds, sorted.
   */
  public static double[] measureLag(
      Path dir, ReplicaClient client, String url, Duration syncInterval, Duration length)
      throws Exception {
    Path sub = Files.createTempDirectory(dir, "lag");
    Path db = sub.resolve("app.db");
    Path wal = sub.resolve("app.db-wal");
    ReplicationOptions opts =
        ReplicationOptions.of(db, url)
            .withSyncInterval(syncInterval)
            .withDbOptions(
                DbOptions.DEFAULTS
                    .withMinCheckpointPageCount(1_000_000)
                    .withCheckpointInterval(Duration.ZERO))
            .withStore(StoreOptions.DEFAULTS.withBackground(false));
    List<long[]> acks = new ArrayList<>(); // {nanoTime, walEnd}
    int n = (int) (length.toMillis() / 10);
    long[] commitAt = new long[n];
    long[] walEnd = new long[n];
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
      }
      try (Replication r = Replication.start(opts, client)) {
        r.syncAndAwait(Duration.ofSeconds(20));
        LocalLtxDir local = new LocalLtxDir(LocalLtxDir.defaultMetaDir(db));
        AtomicBoolean stop = new AtomicBoolean();
        Thread probe =
            Thread.ofPlatform()
                .name("lag-probe")
                .start(
                    () -> {
                      long last = r.replicatedTxid();
                      while (!stop.get()) {
                        long t = r.replicatedTxid();
                        if (t > last) {
                          long now = System.nanoTime();
                          try (InputStream in = local.open(t)) {
                            LtxHeader h = LtxHeader.decode(in.readNBytes(LtxHeader.SIZE));
                            acks.add(new long[] {now, h.walOffset() + h.walSize()});
                          } catch (Exception e) {
                            throw new IllegalStateException(e);
                          }
                          last = t;
                        }
                        Thread.onSpinWait();
                      }
                    });
        Random rnd = new Random(1);
        byte[] row = new byte[1024];
        long start = System.nanoTime();
        try (PreparedStatement ps = app.prepareStatement("INSERT INTO t (body) VALUES (?)")) {
          for (int i = 0; i < n; i++) {
            long due = start + i * 10_000_000L;
            while (System.nanoTime() < due) {
              Thread.sleep(0, 200_000);
            }
            rnd.nextBytes(row);
            ps.setBytes(1, row);
            ps.executeUpdate();
            commitAt[i] = System.nanoTime();
            walEnd[i] = Files.size(wal);
          }
        }
        r.syncAndAwait(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (acks.isEmpty() || acks.getLast()[1] < walEnd[n - 1]) {
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.sleep(1);
        }
        stop.set(true);
        probe.join();
      }
    }
    double[] lags = new double[n];
    int a = 0;
    for (int i = 0; i < n; i++) {
      while (acks.get(a)[1] < walEnd[i]) {
        a++;
      }
      lags[i] = Math.max(0, acks.get(a)[0] - commitAt[i]) / 1e6;
    }
    Arrays.sort(lags);
    return lags;
  }

  /**
   * Restore throughput in MB/s, {@code {parallelism 1 min, median, max, parallelism 8 min, median,
   * max, MB}}.
   */
  public static double[] restoreThroughput(Path dir, Supplier<ReplicaClient> clients, String url)
      throws Exception {
    Path db = dir.resolve("big.db");
    ReplicationOptions opts =
        ReplicationOptions.of(db, url)
            .withSyncInterval(Duration.ZERO)
            .withStore(StoreOptions.DEFAULTS.withBackground(false));
    Random rnd = new Random(2);
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
      }
      try (Replication r = Replication.start(opts, clients.get());
          PreparedStatement ps = app.prepareStatement("INSERT INTO t (body) VALUES (?)")) {
        byte[] blob = new byte[64 * 1024];
        for (int file = 0; file < 100; file++) { // 100 files of 1 MiB
          app.setAutoCommit(false);
          for (int k = 0; k < 16; k++) {
            rnd.nextBytes(blob);
            ps.setBytes(1, blob);
            ps.executeUpdate();
          }
          app.commit();
          app.setAutoCommit(true);
          r.syncAndAwait(Duration.ofSeconds(30));
        }
      }
    }
    long dbBytes = Files.size(db);
    try (ReplicaClient reader = clients.get()) {
      Restorer restorer = new Restorer(reader);
      List<Double> p1 = new ArrayList<>();
      List<Double> p8 = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int parallelism : new int[] {1, 8}) {
          Path out = dir.resolve("out-" + round + "-" + parallelism + ".db");
          long t0 = System.nanoTime();
          RestoreResult res = restorer.restore(RestoreOptions.of(out).withParallelism(parallelism));
          double s = (System.nanoTime() - t0) / 1e9;
          (parallelism == 1 ? p1 : p8).add(dbBytes / 1e6 / s);
          assertThat(res.plan().files()).hasSizeGreaterThan(50);
          DbCompare.assertSameContent(db, out);
          Files.delete(out);
        }
      }
      p1.sort(null);
      p8.sort(null);
      return new double[] {
        p1.get(0), p1.get(1), p1.get(2), p8.get(0), p8.get(1), p8.get(2), dbBytes / 1e6
      };
    }
  }

  /** The {@code p}th percentile of sorted values. */
  public static double pct(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
  }
}
