package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.ProcLocks;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator's lock discipline (see {@link io.litestream4j.db.Database}), checked against the
 * kernel: from the moment {@link Replication#start} returns until it is closed, this process holds
 * SQLite's SHARED lock on the database file, whatever the replicator does meanwhile (snapshots,
 * compactions, its own and the application's checkpoints, WAL restarts). Writes come from real
 * {@code sqlite3} processes; nothing in this JVM but the replicator touches the database file.
 */
class LockDisciplineTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final SqliteCli SQLITE = SqliteCli.create();

  @TempDir Path dir;
  private Path db;

  @BeforeEach
  void requireProcLocks() {
    ProcLocks.assumeAvailable();
    db = dir.resolve("app.db");
  }

  private void assertSharedLockHeld(String after) throws Exception {
    assertThat(ProcLocks.holdsShared(PID, db))
        .as(
            "replicator (pid %d) holds SQLite's SHARED lock on %s after %s; %s",
            PID, db, after, ProcLocks.describe(db))
        .isTrue();
  }

  private void write(int rows) {
    SQLITE.run(
        db, "INSERT INTO t (v) SELECT randomblob(900) FROM generate_series(1, " + rows + ");");
  }

  @Test
  void sharedLockHeldFromStartThroughSnapshotsCompactionsCheckpointsAndWalRestarts()
      throws Exception {
    SQLITE.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);");
    write(200);
    ReplicationOptions options =
        ReplicationOptions.of(db, dir.resolve("replica").toUri().toString())
            .withSyncInterval(Duration.ZERO)
            .withDbOptions(
                DbOptions.DEFAULTS
                    .withMonitorInterval(Duration.ofMillis(20))
                    .withMinCheckpointPageCount(20))
            .withStore(
                StoreOptions.DEFAULTS
                    .withLevels(List.of(Duration.ofMillis(200)))
                    .withSnapshots(Duration.ofMillis(500), Duration.ofHours(1)));
    try (Replication r = Replication.start(options)) {
      assertSharedLockHeld("start");
      // Item 8 of issue 11: right after start an application cannot leave WAL mode.
      SqliteCli.Result mode =
          SQLITE.execute(
              List.of("-cmd", ".timeout 200", db.toString()), "PRAGMA journal_mode=delete;");
      assertThat(mode.stdout().trim())
          .as("journal_mode=delete right after start: %s", mode.describe(""))
          .isNotEqualToIgnoringCase("delete");
      assertThat(mode.exitCode() != 0 || mode.stdout().trim().equals("wal"))
          .as(mode.describe(""))
          .isTrue();
      for (int round = 0; round < 6; round++) {
        write(50);
        r.syncAndAwait(Duration.ofSeconds(30));
        assertSharedLockHeld("sync of round " + round);
        r.store().snapshotNow(true);
        assertSharedLockHeld("snapshot of round " + round);
        r.store().compact(1);
        assertSharedLockHeld("compaction of round " + round);
        // The application's own checkpoints; the replicator's read lock may refuse parts of them.
        SQLITE.execute(
            List.of("-cmd", ".timeout 2000", db.toString()),
            "PRAGMA wal_checkpoint(" + (round % 2 == 0 ? "PASSIVE" : "TRUNCATE") + ");");
        assertSharedLockHeld("application checkpoint of round " + round);
      }
      long restartsBefore = r.stats().successes();
      // Checkpoints of the replicator (every 20 frames) and the WAL restarts that follow them.
      for (int i = 0; i < 20; i++) {
        write(30);
        r.syncAndAwait(Duration.ofSeconds(30));
        assertSharedLockHeld("checkpoint/WAL restart " + i);
      }
      assertThat(r.stats().successes()).isGreaterThan(restartsBefore);
      assertThat(r.stats().fullL0Files())
          .as("full L0 files by reason")
          .containsOnlyKeys("first sync");
      assertThat(r.stats().reopenings()).as("reopenings").isZero();
      Await.until(
          () -> r.store().stats().snapshots() > 0, Duration.ofSeconds(30), "a scheduled snapshot");
      assertSharedLockHeld("scheduled snapshots");
      r.syncAndAwait(Duration.ofSeconds(30));
      L0Restore.assertReplicaEquals(dir.resolve("replica"), db);
      assertSharedLockHeld("the restore comparison");
    }
  }

  /**
   * An application keeps its own JDBC connection open in this JVM while {@code sqlite3} processes
   * open, write and close theirs. None of them may ever find itself the last connection (and so
   * checkpoint and delete the WAL) while the application still has the database open: not while the
   * replicator runs, not across its snapshots, and not after it is closed.
   */
  @Test
  void walNeverDeletedUnderAnOpenApplication() throws Exception {
    Path wal = db.resolveSibling("app.db-wal");
    Path replica = dir.resolve("replica");
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("PRAGMA busy_timeout=10000");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        st.execute("INSERT INTO t (v) VALUES (randomblob(900))");
      }
      long walInode = ProcLocks.inode(wal);
      ReplicationOptions options =
          ReplicationOptions.of(db, replica.toUri().toString())
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(
                  DbOptions.DEFAULTS
                      .withMonitorInterval(Duration.ofMillis(20))
                      .withMinCheckpointPageCount(30));
      try (Replication r = Replication.start(options)) {
        for (int i = 0; i < 12; i++) {
          write(20);
          try (Statement st = app.createStatement()) {
            st.execute("INSERT INTO t (v) VALUES (randomblob(900))");
          }
          if (i % 3 == 0) {
            r.store().snapshotNow(true);
          }
          r.syncAndAwait(Duration.ofSeconds(30));
          assertThat(Files.exists(wal) && ProcLocks.inode(wal) == walInode)
              .as("the WAL under the open application is still the same file after round %d", i)
              .isTrue();
          assertSharedLockHeld("round " + i);
        }
        assertThat(r.stats().reopenings()).as("reopenings").isZero();
        assertThat(r.stats().fullL0Files())
            .as("full L0 files by reason")
            .containsOnlyKeys("first sync");
        L0Restore.assertReplicaEquals(replica, db);
      }
      // Replication closed, the application's connection still open: its locks must survive.
      assertThat(ProcLocks.holdsShared(PID, db))
          .as("application's SHARED lock after the replicator closed; %s", ProcLocks.describe(db))
          .isTrue();
      write(5);
      assertThat(Files.exists(wal) && ProcLocks.inode(wal) == walInode)
          .as("the WAL under the open application after the replicator closed and sqlite3 wrote")
          .isTrue();
      try (Statement st = app.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1 + 12 * (20 + 1) + 5);
      }
    }
  }
}
