package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.config.DbOptions;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.replica.ReplicaClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The backend-independent replicate-then-restore scenario: an application writes through JDBC
 * (inserts of random blobs, its own checkpoints, deletes, VACUUM) while {@link Replication} ships
 * to a backend; after every round the source is captured at the acknowledged TXID. Then {@link
 * Restorer} must rebuild exactly those states from the replica (content, rolling checksum, {@code
 * PRAGMA integrity_check}). A hook runs after each round's writes, before waiting for them to reach
 * the replica, so a test can break the backend (kill the server, drop connections) in the middle of
 * replication.
 */
public final class ReplicationRoundTrip {

  /** The source at one acknowledged TXID. */
  public record Expected(List<String> dump, long checksum) {}

  /** Runs after a round's writes were committed, before waiting for their upload. */
  @FunctionalInterface
  public interface RoundHook {
    RoundHook NONE = (round, replication, db) -> {};

    void afterWrite(int round, Replication replication, Path db) throws Exception;
  }

  private final Path dir;

  public ReplicationRoundTrip(Path dir) {
    this.dir = dir;
  }

  /**
   * Replicates {@code rounds} rounds of writes to {@code client} (which the replication closes);
   * waits up to {@code ackTimeout} for each round to reach the replica.
   *
   * @return the source's state at each acknowledged TXID, in TXID order
   */
  public Map<Long, Expected> replicate(
      ReplicaClient client, int rounds, long seed, Duration ackTimeout, RoundHook hook)
      throws Exception {
    Path db = dir.resolve("app-" + seed + ".db");
    var expected = new LinkedHashMap<Long, Expected>();
    Random rnd = new Random(seed);
    try (Connection app = openApp(db, 200)) {
      ReplicationOptions opts =
          ReplicationOptions.of(db, client.type() + "://test")
              .withMetaDir(dir.resolve("meta-" + seed))
              .withSyncInterval(Duration.ZERO)
              .withShutdownSync(Duration.ofSeconds(20), Duration.ofMillis(100))
              .withDbOptions(
                  DbOptions.DEFAULTS
                      .withMonitorInterval(Duration.ofMillis(50))
                      .withMinCheckpointPageCount(64));
      try (Replication r = Replication.start(opts, client)) {
        for (int round = 0; round < rounds; round++) {
          write(app, round, rnd);
          hook.afterWrite(round, r, db);
          long txid = r.syncAndAwait(ackTimeout);
          expected.put(
              txid,
              new Expected(
                  DbCompare.dump(db),
                  L0Restore.logicalChecksum(db, dir.resolve("copy-" + seed + "-" + txid))));
        }
      }
    }
    assertThat(expected).hasSizeGreaterThan(rounds / 2);
    return expected;
  }

  /**
   * Opens the application's connection to a new WAL database with the table {@link #write} fills;
   * it waits {@code busyTimeoutMillis} for another connection's lock.
   */
  public static Connection openApp(Path db, int busyTimeoutMillis) throws SQLException {
    Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA busy_timeout=" + busyTimeoutMillis);
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB, note TEXT)");
    } catch (SQLException e) {
      app.close();
      throw e;
    }
    return app;
  }

  /** The source as it is now, to compare a rebuild with. */
  public static Expected capture(Path db) throws Exception {
    return new Expected(DbCompare.dump(db), L0Restore.logicalChecksum(db));
  }

  /**
   * Rebuilds every captured TXID from the L0 files in {@code l0Dir} alone ({@link L0Restore}, which
   * shares no code with the restore path) and compares each with the captured source: content, the
   * rolling checksum as the rebuild computed it and as the rebuilt file has it, and {@code PRAGMA
   * integrity_check}. The rebuilt files are written to {@code workDir}.
   */
  public static void assertL0Restores(Path l0Dir, Map<Long, Expected> expected, Path workDir)
      throws Exception {
    for (var e : expected.entrySet()) {
      Path out = workDir.resolve("restored-" + e.getKey() + ".db");
      long checksum = L0Restore.restore(l0Dir, e.getKey(), out);
      DbCompare.assertSameContent(e.getValue().dump(), DbCompare.dump(out), "TXID " + e.getKey());
      assertThat(checksum).as("checksum at TXID %d", e.getKey()).isEqualTo(e.getValue().checksum());
      assertThat(DatabaseChecksum.of(out)).isEqualTo(e.getValue().checksum());
      DbCompare.assertIntegrity(out);
    }
  }

  /**
   * Restores every {@code every}-th captured TXID and the last one through {@link Restorer} and
   * compares each with the captured source.
   */
  public void assertRestores(ReplicaClient reader, Map<Long, Expected> expected, int every)
      throws Exception {
    List<Long> txids = List.copyOf(expected.keySet());
    for (int i = 0; i < txids.size(); i++) {
      if (i % every != every - 1 && i != txids.size() - 1) {
        continue;
      }
      long txid = txids.get(i);
      Path out = dir.resolve("restored-" + txid + "-" + System.nanoTime() + ".db");
      RestoreResult result =
          new Restorer(reader)
              .restore(
                  RestoreOptions.of(out)
                      .withTarget(RestoreTarget.txid(txid))
                      .withIntegrityCheck(RestoreOptions.IntegrityCheck.FULL));
      assertThat(result.txid()).isEqualTo(txid);
      assertSame(expected.get(txid), out, "TXID " + txid);
    }
  }

  /** The database at {@code out} is the captured state: content, checksum and integrity. */
  public static void assertSame(Expected e, Path out, String what) throws Exception {
    DbCompare.assertSameContent(e.dump(), DbCompare.dump(out), what);
    assertThat(DatabaseChecksum.of(out)).as("checksum at %s", what).isEqualTo(e.checksum());
    DbCompare.assertIntegrity(out);
  }

  /**
   * One round of the application: a transaction of random inserts (a large one every seventh
   * round), then the round's {@link ApplicationSteps}.
   */
  public static void write(Connection app, int round, Random rnd) throws Exception {
    write(app, round, rnd, 300);
  }

  /**
   * Like {@link #write(Connection, int, Random)} with {@code largeRows} rows in the large rounds.
   */
  public static void write(Connection app, int round, Random rnd, int largeRows) throws Exception {
    app.setAutoCommit(false);
    try (PreparedStatement ins = app.prepareStatement("INSERT INTO t (body, note) VALUES (?, ?)")) {
      int rows = round % 7 == 3 ? largeRows : 1 + rnd.nextInt(30);
      for (int i = 0; i < rows; i++) {
        byte[] body = new byte[rnd.nextInt(3000)];
        rnd.nextBytes(body);
        ins.setBytes(1, body);
        ins.setString(2, "round " + round + " row " + i);
        ins.executeUpdate();
      }
    }
    app.commit();
    app.setAutoCommit(true);
    ApplicationSteps.maintain(app, round);
  }
}
