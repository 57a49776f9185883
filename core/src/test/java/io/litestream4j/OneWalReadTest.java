package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.testing.ReplicationRoundTrip;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sync writes its L0 file from the page bytes its scan of the WAL already read and verified, and
 * reads a page from the WAL again only when it did not keep it (the buffer is bounded by {@code
 * max-sync-wal-bytes} and 32 MiB). Both paths must give the source's exact state while a second
 * connection commits and checkpoints under running syncs and the application restarts the WAL (its
 * checkpoints of every mode: new salts): at every acknowledged TXID the replica's L0 files must
 * rebuild the source as it was. With 16 KiB the buffer holds 4 pages, so most pages take the
 * fallback path.
 */
class OneWalReadTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(longs = {64L << 20, 16L << 10})
  void everyAcknowledgedTxidRestoresToTheSourceWhileTheWalRestarts(long maxSyncWalBytes)
      throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Map<Long, ReplicationRoundTrip.Expected> expected = new LinkedHashMap<>();
    Random rnd = new Random(7);
    try (Connection app = ReplicationRoundTrip.openApp(db, 1000)) {
      ReplicationOptions opts =
          ReplicationOptions.of(db, replica.toUri().toString())
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(
                  DbOptions.DEFAULTS
                      .withMonitorInterval(Duration.ofMillis(20))
                      .withMinCheckpointPageCount(64)
                      .withMaxSyncWalBytes(maxSyncWalBytes));
      try (Replication r = Replication.start(opts)) {
        for (int round = 0; round < 16; round++) {
          AtomicReference<Throwable> failure = new AtomicReference<>();
          int otherSeed = round;
          Thread other =
              Thread.ofPlatform()
                  .name("test-other-writer")
                  .start(() -> restartWhileWriting(db, 150, otherSeed, failure));
          ReplicationRoundTrip.write(app, round, rnd, 400);
          other.join(Duration.ofSeconds(60));
          assertThat(other.isAlive()).isFalse();
          assertThat(failure.get()).isNull();
          long txid = r.syncAndAwait(Duration.ofSeconds(20));
          expected.put(txid, ReplicationRoundTrip.capture(db));
        }
      }
    }
    assertThat(expected).hasSizeGreaterThan(8);
    ReplicationRoundTrip.assertL0Restores(replica.resolve("ltx/0"), expected, dir);
  }

  /**
   * Autocommit inserts of 1 KB rows from its own connection, with a PASSIVE checkpoint every 50
   * commits, so that the WAL is backfilled and restarted by the application while syncs run (the
   * application's own connection adds RESTART and TRUNCATE checkpoints and VACUUM). A statement
   * that finds the database locked is retried.
   */
  private static void restartWhileWriting(
      Path db, int commits, int round, AtomicReference<Throwable> failure) {
    Random rnd = new Random(round);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=2000");
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO t (body, note) VALUES (?, ?)")) {
        for (int i = 0; i < commits; i++) {
          byte[] body = new byte[1024];
          rnd.nextBytes(body);
          ins.setBytes(1, body);
          ins.setString(2, "other " + round + " row " + i);
          retryWhileBusy(() -> ins.executeUpdate());
          if (i % 50 == 49) {
            String sql = "PRAGMA wal_checkpoint(PASSIVE)";
            retryWhileBusy(
                () -> {
                  try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                  }
                });
          }
        }
      }
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  @FunctionalInterface
  private interface SqlStep {
    void run() throws SQLException;
  }

  private static void retryWhileBusy(SqlStep step) throws SQLException {
    for (int attempt = 0; ; attempt++) {
      try {
        step.run();
        return;
      } catch (SQLException e) {
        if (attempt >= 20 || !String.valueOf(e.getMessage()).contains("SQLITE_BUSY")) {
          throw e;
        }
      }
    }
  }
}
