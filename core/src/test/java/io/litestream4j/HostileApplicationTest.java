package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.L0Restore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part of the fault suite: an application that does hostile things to its own database while it is
 * replicated. Whatever SQLite lets the application do, the replica must end up equal to the
 * database (content, rolling checksum, integrity) and never be corrupted on the way. Each scenario
 * prints one summary line: scenario, iterations, failures, data lost.
 */
class HostileApplicationTest {
  @TempDir Path dir;

  private Path db;
  private Path replica;

  private Replication start() throws Exception {
    db = dir.resolve("app.db");
    replica = dir.resolve("replica");
    return Replication.start(
        ReplicationOptions.of(db, replica.toUri().toString())
            .withSyncInterval(Duration.ZERO)
            .withDbOptions(
                DbOptions.DEFAULTS
                    .withMonitorInterval(Duration.ofMillis(20))
                    .withMinCheckpointPageCount(50)));
  }

  private static Connection open(Path db) throws SQLException, InterruptedException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement st = c.createStatement()) {
      // The replicator's first sync may be switching this new database to WAL and creating its
      // tables right now; SQLite then refuses a second journal-mode change at once (SQLITE_BUSY
      // without calling the busy handler), so the application retries, as any would.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try {
          st.execute("PRAGMA journal_mode=wal");
          break;
        } catch (SQLException e) {
          if (System.nanoTime() > deadline || !String.valueOf(e.getMessage()).contains("BUSY")) {
            throw e;
          }
          Thread.sleep(5); // the conversion takes milliseconds; spinning would steal its CPU
        }
      }
      st.execute("PRAGMA busy_timeout=100");
    }
    return c;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Runs a statement SQLite may refuse while the replicator holds its read lock. */
  private static boolean tryExec(Connection c, String sql) {
    try {
      exec(c, sql);
      return true;
    } catch (SQLException e) {
      assertThat(e.getMessage()).as(sql).containsAnyOf("locked", "BUSY", "busy");
      return false;
    }
  }

  private void report(String scenario, int iterations, Replication r) throws Exception {
    r.syncAndAwait(Duration.ofSeconds(30));
    int failures = 0;
    try {
      L0Restore.assertReplicaEquals(replica, db);
    } catch (AssertionError e) {
      failures = 1;
      throw e;
    } finally {
      System.out.printf(
          "fault-suite: scenario=%s iterations=%d failures=%d data-lost=%d%n",
          scenario, iterations, failures, failures);
    }
  }

  @Test
  void ownCheckpointsOfEveryModeInALoop() throws Exception {
    try (Replication r = start();
        Connection app = open(db)) {
      exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      String[] modes = {"PASSIVE", "FULL", "RESTART", "TRUNCATE"};
      for (int i = 0; i < 200; i++) {
        exec(app, "INSERT INTO t (v) VALUES (randomblob(" + (100 + i * 37 % 3000) + "))");
        tryExec(app, "PRAGMA wal_checkpoint(" + modes[i % 4] + ")");
      }
      report("own-checkpoints-loop", 200, r);
    }
  }

  @Test
  void vacuumAndPageSizeChange() throws Exception {
    try (Replication r = start();
        Connection app = open(db)) {
      exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      for (int i = 0; i < 20; i++) {
        exec(app, "INSERT INTO t (v) VALUES (randomblob(4000))");
      }
      exec(app, "DELETE FROM t WHERE id % 2 = 0");
      exec(app, "VACUUM");
      r.syncAndAwait(Duration.ofSeconds(10));
      // Changing the page size needs rollback-journal mode; SQLite refuses while anyone reads.
      boolean switched = tryExec(app, "PRAGMA journal_mode=delete");
      if (switched) {
        exec(app, "PRAGMA page_size=8192");
        tryExec(app, "VACUUM");
        exec(app, "PRAGMA journal_mode=wal");
      }
      exec(app, "INSERT INTO t (v) VALUES ('after')");
      report("vacuum-page-size" + (switched ? "-switched" : "-refused"), 1, r);
    }
  }

  @Test
  void walAndShmDeletedWhileTheApplicationIsStopped() throws Exception {
    try (Replication r = start()) {
      try (Connection app = open(db)) {
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        exec(app, "INSERT INTO t (v) VALUES (randomblob(3000))");
      }
      r.syncAndAwait(Duration.ofSeconds(10));
      Files.deleteIfExists(dir.resolve("app.db-wal"));
      Files.deleteIfExists(dir.resolve("app.db-shm"));
      r.sync(); // the replicator notices and reopens its connections before the application returns
      try (Connection app = open(db)) {
        for (int i = 0; i < 30; i++) {
          exec(app, "INSERT INTO t (v) VALUES (randomblob(2000))");
        }
        // The replicator notices the new WAL and catches up; wait for the replica to follow.
        Await.until(
            () -> {
              r.syncAndAwait(Duration.ofSeconds(10));
              return L0Restore.logicalChecksum(db) == r.position().postApplyChecksum();
            },
            Duration.ofSeconds(30),
            "replica to follow the recreated WAL");
      }
      report("wal-shm-deleted", 1, r);
    }
  }

  @Test
  void longRunningReaderHoldsBackCheckpoints() throws Exception {
    try (Replication r = start();
        Connection app = open(db);
        Connection reader = open(db)) {
      exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      reader.setAutoCommit(false);
      try (Statement st = reader.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
        rs.next();
      }
      for (int i = 0; i < 300; i++) {
        exec(app, "INSERT INTO t (v) VALUES (randomblob(1500))");
      }
      r.syncAndAwait(Duration.ofSeconds(10));
      long walWhileHeld = Files.size(dir.resolve("app.db-wal"));
      reader.rollback();
      reader.setAutoCommit(true);
      for (int i = 0; i < 10; i++) {
        exec(app, "INSERT INTO t (v) VALUES (randomblob(1500))");
      }
      r.syncAndAwait(Duration.ofSeconds(10));
      assertThat(walWhileHeld).as("the reader held the WAL back").isGreaterThan(50L * 4096);
      report("long-running-reader", 310, r);
    }
  }

  @Test
  void databaseFileReplacedUnderTheReplicator() throws Exception {
    Path other = dir.resolve("other.db");
    try (Connection o = DriverManager.getConnection("jdbc:sqlite:" + other)) {
      exec(o, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      exec(o, "INSERT INTO t (v) VALUES (randomblob(9000)), ('replacement')");
    }
    try (Replication r = start()) {
      try (Connection app = open(db)) {
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        exec(app, "INSERT INTO t (v) VALUES (randomblob(5000))");
      }
      r.syncAndAwait(Duration.ofSeconds(10));
      Path tmp = dir.resolve("incoming.db");
      Files.copy(other, tmp);
      Files.move(
          tmp,
          db,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(dir.resolve("app.db-wal"));
      Files.deleteIfExists(dir.resolve("app.db-shm"));
      Await.until(
          () -> {
            r.syncAndAwait(Duration.ofSeconds(10));
            return L0Restore.logicalChecksum(db) == r.position().postApplyChecksum();
          },
          Duration.ofSeconds(30),
          "replica to follow the replaced file");
      report("database-replaced", 1, r);
    }
  }
}
