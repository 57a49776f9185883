package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part of the fault suite: things that happen to a replica or to the database's shape while it is
 * replicated — the page size changes, the replica is wiped, a second replicator starts on the same
 * replica. After each, the latest state must restore exactly (content, integrity) through the real
 * {@link Restorer}; each scenario prints one {@code fault-suite:} line with the rows lost (the
 * difference between the source's and the restored database's row count; any content difference
 * fails the test).
 */
class ReplicaSurvivalTest {
  @TempDir Path dir;

  private Path db;
  private Path replica;

  private ReplicationOptions options() {
    db = dir.resolve("app.db");
    replica = dir.resolve("replica");
    return ReplicationOptions.of(db, replica.toUri().toString())
        .withSyncInterval(Duration.ZERO)
        .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(20)))
        .withStore(
            StoreOptions.DEFAULTS.withL0Retention(Duration.ofMinutes(5), Duration.ofSeconds(2)));
  }

  private static Connection open(Path db) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    // busy_timeout first: switching to WAL waits for the replicator's locks like any other write
    exec(c, "PRAGMA busy_timeout=5000");
    exec(c, "PRAGMA journal_mode=wal");
    return c;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static void insert(Connection c, int rows) throws SQLException {
    for (int i = 0; i < rows; i++) {
      exec(c, "INSERT INTO t (v) VALUES (randomblob(" + (200 + i * 53 % 3000) + "))");
    }
  }

  private static long rows(Path db) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<LtxFileInfo> level(int level) throws IOException {
    try (ReplicaClient c = new FileReplicaClient(replica.toAbsolutePath())) {
      return c.ltxFiles(level, 1);
    }
  }

  /** Restores the latest state with the real restorer and compares it with the source. */
  private long restoreAndCompare(String scenario, int iterations) throws Exception {
    Path out = dir.resolve("restored-" + System.nanoTime() + ".db");
    long lost = -1;
    int failures = 1;
    try (ReplicaClient c = new FileReplicaClient(replica.toAbsolutePath())) {
      new Restorer(c).restore(RestoreOptions.of(out));
      lost = rows(db) - rows(out);
      DbCompare.assertSameContent(db, out);
      DbCompare.assertIntegrity(out);
      failures = 0;
    } finally {
      System.out.printf(
          "fault-suite: scenario=%s iterations=%d failures=%d data-lost=%s%n",
          scenario, iterations, failures, lost < 0 ? "unknown" : Long.toString(lost));
    }
    return lost;
  }

  private void awaitCaughtUp(Replication r) throws Exception {
    Await.until(
        () -> {
          r.syncAndAwait(Duration.ofSeconds(10));
          return L0Restore.logicalChecksum(db) == r.position().postApplyChecksum();
        },
        Duration.ofSeconds(60),
        "replica to follow the database");
  }

  @Test
  void pageSizeChangeStartsANewSnapshotAndStaysRestorable() throws Exception {
    try (Replication r = Replication.start(options())) {
      try (Connection app = open(db)) {
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        insert(app, 40);
      }
      r.syncAndAwait(Duration.ofSeconds(30));
      long before = r.position().txid();
      // The application recreates its database with another page size (built beside it, so that
      // the new page size is certain, then moved into place).
      Path fresh = dir.resolve("fresh.db");
      try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + fresh)) {
        exec(app, "PRAGMA page_size=8192");
        exec(app, "PRAGMA journal_mode=wal");
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        insert(app, 30);
      }
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(dir.resolve("app.db" + suffix));
      }
      Files.move(fresh, db);
      try (Connection app = open(db)) {
        insert(app, 3);
        try (Statement st = app.createStatement();
            var rs = st.executeQuery("PRAGMA page_size")) {
          rs.next();
          assertThat(rs.getInt(1)).as("page size of the recreated database").isEqualTo(8192);
        }
      }
      awaitCaughtUp(r);
      long changed = r.position().txid();
      assertThat(changed).isGreaterThan(before);
      Await.until(
          () -> level(LtxFileInfo.SNAPSHOT_LEVEL).stream().anyMatch(f -> f.maxTxid() > before),
          Duration.ofSeconds(60),
          "a new snapshot after the page size change");
      // The store's own L1 schedule may already have compacted part of it: what counts is that L1
      // then covers the change.
      r.store().compact(1);
      assertThat(level(1))
          .as("L1 compaction across the page size change")
          .anyMatch(f -> f.maxTxid() >= changed);
      try (Connection app = open(db)) {
        insert(app, 5);
      }
      awaitCaughtUp(r);
      assertThat(restoreAndCompare("page-size-change", 1)).isZero();

      // Without any snapshot, the full file where the page size changed is the restore's base.
      deleteTree(replica.resolve("ltx/9"));
      assertThat(restoreAndCompare("page-size-change-without-snapshot", 1)).isZero();
    }
  }

  @Test
  void databaseRecreatedInPlaceWithAnotherPageSizeIsFollowed() throws Exception {
    try (Replication r = Replication.start(options())) {
      try (Connection app = open(db)) {
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        insert(app, 20);
      }
      r.syncAndAwait(Duration.ofSeconds(30));
      // Recreated in place: the replicator may reopen the new file before its page size is fixed.
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(dir.resolve("app.db" + suffix));
      }
      try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        exec(app, "PRAGMA page_size=8192");
        exec(app, "PRAGMA journal_mode=wal");
        exec(app, "PRAGMA busy_timeout=5000");
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        insert(app, 30);
      }
      awaitCaughtUp(r);
      assertThat(restoreAndCompare("database-recreated-in-place-page-size", 1)).isZero();
    }
  }

  @Test
  void aFullFileStartsTheRestoreWhenEverythingBeforeItIsGone() throws Exception {
    Path other = dir.resolve("other.db");
    try (Connection o = DriverManager.getConnection("jdbc:sqlite:" + other)) {
      exec(o, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      insert(o, 25);
    }
    long before;
    try (Replication r = Replication.start(options())) {
      try (Connection app = open(db)) {
        exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
        insert(app, 10);
      }
      r.syncAndAwait(Duration.ofSeconds(30));
      before = r.position().txid();
      // The database is replaced (same page size): the replicator writes a full L0 file.
      Files.move(
          other,
          db,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(dir.resolve("app.db-wal"));
      Files.deleteIfExists(dir.resolve("app.db-shm"));
      awaitCaughtUp(r);
      try (Connection app = open(db)) {
        insert(app, 4);
      }
      awaitCaughtUp(r);
    }
    long full = before + 1; // the replicator's full file after the replacement
    // Everything before the full file is lost, snapshots included (the replicator has stopped).
    deleteTree(replica.resolve("ltx/9"));
    try (Stream<Path> l0 = Files.list(replica.resolve("ltx/0"))) {
      for (Path p : l0.toList()) {
        long min =
            io.litestream4j.ltx.LtxFileName.parse(p.getFileName().toString())
                .map(io.litestream4j.ltx.LtxFileName::minTxid)
                .orElse(Long.MAX_VALUE);
        if (min < full) {
          Files.delete(p);
        }
      }
    }
    assertThat(restoreAndCompare("full-file-base-without-older-files", 1)).isZero();
  }

  @Test
  void wipedReplicaGetsANewSnapshotAtOnce() throws Exception {
    try (Replication r = Replication.start(options());
        Connection app = open(db)) {
      exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      insert(app, 30);
      r.syncAndAwait(Duration.ofSeconds(30));
      Await.until(
          () -> !level(LtxFileInfo.SNAPSHOT_LEVEL).isEmpty(),
          Duration.ofSeconds(60),
          "first snapshot");

      deleteTree(replica); // operator cleanup / lifecycle rule
      long wipedAt = r.position().txid();
      Await.until(
          () -> {
            insert(app, 1);
            r.syncAndAwait(Duration.ofSeconds(10));
            return level(LtxFileInfo.SNAPSHOT_LEVEL).stream().anyMatch(f -> f.maxTxid() > wipedAt);
          },
          Duration.ofSeconds(60),
          "a new snapshot after the replica was wiped");
      insert(app, 5);
      awaitCaughtUp(r);
      assertThat(restoreAndCompare("replica-wiped", 1)).isZero();
    }
  }

  @Test
  void secondReplicatorOnTheSameReplicaIsRefused() throws Exception {
    ReplicationOptions first = options();
    try (Replication r = Replication.start(first);
        Connection app = open(db)) {
      exec(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
      insert(app, 20);
      r.syncAndAwait(Duration.ofSeconds(30));
      // A rolling deploy starts the next replicator before the first one stopped.
      assertThatThrownBy(
              () -> Replication.start(first.withMetaDir(dir.resolve("other-meta"))).close())
          .isInstanceOf(LeaseHeldException.class)
          .hasMessageContaining(replica.toAbsolutePath().toString())
          .hasMessageContaining("in use");
      insert(app, 20);
      awaitCaughtUp(r);
      assertThat(restoreAndCompare("overlapping-replicators-in-process", 1)).isZero();
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
