package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.litestream4j.config.DbOptions;
import io.litestream4j.db.BaselineSource;
import io.litestream4j.db.Database;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.ltx.LtxDecoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.LitestreamVfs;
import io.litestream4j.testing.SqliteCli;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication scenarios from the invariants table: restarts, idle databases, large transactions,
 * chunked syncs, replica outages, a replaced database, and interop with Litestream's VFS.
 */
class ReplicationScenariosTest {
  @TempDir Path dir;

  private Path db;
  private Path replica;

  private ReplicationOptions options() {
    db = dir.resolve("app.db");
    replica = dir.resolve("replica");
    return ReplicationOptions.of(db, replica.toUri().toString())
        .withSyncInterval(Duration.ZERO)
        .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50)));
  }

  private static Connection open(Path db) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA busy_timeout=2000");
    }
    return c;
  }

  private static void createTable(Connection c) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
    }
  }

  private static void insert(Connection c, int rows, int size, long seed) throws Exception {
    Random rnd = new Random(seed);
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (body) VALUES (?)")) {
      for (int i = 0; i < rows; i++) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        ps.setBytes(1, b);
        ps.executeUpdate();
      }
    }
    c.commit();
    c.setAutoCommit(true);
  }

  private List<Path> replicaFiles() throws IOException {
    Path l0 = replica.resolve("ltx/0");
    if (!Files.isDirectory(l0)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(l0)) {
      return s.filter(p -> p.toString().endsWith(".ltx")).sorted().toList();
    }
  }

  private static LtxHeader header(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        LtxDecoder d = new LtxDecoder(in)) {
      return d.header();
    }
  }

  @Test
  void cleanRestartUploadsNothingAndContinuesIncrementally() throws Exception {
    ReplicationOptions opts = options();
    try (Connection app = open(db)) {
      createTable(app);
      insert(app, 500, 1000, 1);
      try (Replication r = Replication.start(opts)) {
        r.syncAndAwait(Duration.ofSeconds(10));
      }
      int before = replicaFiles().size();

      // Both the replicator and the application stop cleanly: SQLite checkpoints and deletes the
      // WAL.
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    Files.deleteIfExists(dir.resolve("app.db-wal"));
    try (Replication r = Replication.start(opts)) {
      r.syncAndAwait(Duration.ofSeconds(10));
      assertThat(replicaFiles())
          .as("restart without changes uploads nothing")
          .hasSize(replicaFiles().size());
      try (Connection app = open(db)) {
        insert(app, 3, 100, 2);
      }
      r.syncAndAwait(Duration.ofSeconds(10));
    }
    List<Path> files = replicaFiles();
    LtxHeader last = header(files.getLast());
    assertThat(last.isSnapshot()).isFalse();
    assertThat(last.preApplyChecksum()).isNotZero();
    assertThat(Files.size(files.getLast()))
        .as("incremental, not a full copy")
        .isLessThan(Files.size(files.getFirst()) / 10);
    L0Restore.assertReplicaEquals(replica, db);
  }

  @Test
  void restartAfterApplicationWroteWhileReplicatorWasDownSyncsOnlyTheNewPages() throws Exception {
    ReplicationOptions opts = options();
    try (Connection app = open(db)) {
      createTable(app);
      insert(app, 500, 1000, 1);
      try (Replication r = Replication.start(opts)) {
        r.syncAndAwait(Duration.ofSeconds(10));
      }
      insert(app, 2, 100, 3); // written while nobody replicates; stays in the WAL
      try (Replication r = Replication.start(opts)) {
        r.syncAndAwait(Duration.ofSeconds(10));
      }
    }
    List<Path> files = replicaFiles();
    assertThat(header(files.getLast()).isSnapshot()).isFalse();
    assertThat(Files.size(files.getLast())).isLessThan(Files.size(files.getFirst()) / 10);
    L0Restore.assertReplicaEquals(replica, db);
  }

  @Test
  void databaseRestoredFromTheReplicaContinuesItsHistory() throws Exception {
    ReplicationOptions opts = options();
    try (Connection app = open(db)) {
      createTable(app);
      try (Replication r = Replication.start(opts)) {
        for (int i = 0; i < 5; i++) {
          insert(app, 20, 500, i);
          r.syncAndAwait(Duration.ofSeconds(10));
        }
      }
    }
    int files = replicaFiles().size();
    // Another machine: the database is restored from the replica, with no local state at all.
    Path machine2 = dir.resolve("machine2");
    Files.createDirectories(machine2);
    Path restored = machine2.resolve("app.db");
    L0Restore.restore(replica.resolve("ltx/0"), Long.MAX_VALUE, restored);
    ReplicationOptions opts2 =
        ReplicationOptions.of(restored, replica.toUri().toString()).withSyncInterval(Duration.ZERO);
    try (Replication r = Replication.start(opts2)) {
      assertThat(r.position().txid()).as("resumes at the replica's TXID").isEqualTo(files);
      assertThat(replicaFiles()).as("nothing re-uploaded").hasSize(files);
      try (Connection app = open(restored)) {
        insert(app, 3, 100, 42);
      }
      assertThat(r.syncAndAwait(Duration.ofSeconds(10))).isEqualTo(files + 1);
    }
    assertThat(Files.size(replicaFiles().getLast()))
        .as("incremental")
        .isLessThan(Files.size(restored) / 4);
    L0Restore.assertReplicaEquals(replica, restored);
  }

  @Test
  void idleDatabaseProducesNoFiles() throws Exception {
    ReplicationOptions opts =
        options()
            .withDbOptions(
                DbOptions.DEFAULTS
                    .withMonitorInterval(Duration.ofMillis(20))
                    .withCheckpointInterval(Duration.ofMillis(100)));
    try (Connection app = open(db)) {
      createTable(app);
      insert(app, 10, 100, 1);
      try (Replication r = Replication.start(opts)) {
        long txid = r.syncAndAwait(Duration.ofSeconds(10));
        // Let the time-based checkpoint run, then watch: nothing may be written while idle.
        Thread.sleep(500);
        long settled = r.sync();
        List<Path> files = replicaFiles();
        long pollsBefore = r.stats().idlePolls() + r.stats().successes();
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
          assertThat(r.position().txid()).isEqualTo(settled);
          Thread.sleep(50);
        }
        assertThat(r.stats().idlePolls() + r.stats().successes())
            .as("the monitor kept polling")
            .isGreaterThan(pollsBefore + 10);
        assertThat(replicaFiles()).isEqualTo(files);
        assertThat(settled).isGreaterThanOrEqualTo(txid);
      }
    }
  }

  @Test
  void transactionLargerThanMaxSyncWalBytesAndManySmallOnesInChunks() throws Exception {
    db = dir.resolve("app.db");
    try (Connection app = open(db)) {
      createTable(app);
      LocalLtxDir local = new LocalLtxDir(dir.resolve("meta"));
      DbOptions small =
          DbOptions.DEFAULTS.withMaxSyncWalBytes(256 * 1024).withMinCheckpointPageCount(100_000);
      try (Database d =
          new Database(db, small, local, BaselineSource.NONE, p -> {}, Clock.systemUTC())) {
        d.sync();
        long first = d.position().txid();
        for (int i = 0; i < 30; i++) {
          insert(app, 20, 2000, i); // ~40 KiB per transaction
        }
        insert(app, 400, 2000, 99); // ~800 KiB: bigger than one chunk, shipped whole
        d.sync();
        long files = d.position().txid() - first;
        assertThat(files).as("30 x 40 KiB in 256 KiB chunks plus the large one").isBetween(5L, 10L);
        Path out = dir.resolve("out.db");
        L0Restore.restore(local.levelZeroDir(), Long.MAX_VALUE, out);
        DbCompare.assertSameContent(db, out);
        DbCompare.assertIntegrity(out);
      }
    }
  }

  @Test
  void transactionOfMoreThan64MiBOfWal() throws Exception {
    ReplicationOptions opts = options();
    try (Connection app = open(db)) {
      createTable(app);
      try (Replication r = Replication.start(opts)) {
        insert(app, 70 * 1024, 1024, 7); // 70 MiB in one transaction
        r.syncAndAwait(Duration.ofSeconds(60));
      }
    }
    L0Restore.assertReplicaEquals(replica, db);
  }

  @Test
  void replicaOutageIsRetriedAndRecovers() throws Exception {
    ReplicationOptions opts = options();
    try (Connection app = open(db)) {
      createTable(app);
      try (Replication r = Replication.start(opts)) {
        r.syncAndAwait(Duration.ofSeconds(10));
        Path l0 = replica.resolve("ltx/0");
        assumeTrue(
            chattr("+i", l0), "chattr +i not permitted here; cannot make the replica unwritable");
        try {
          insert(app, 10, 100, 1);
          long txid = r.sync();
          Await.until(() -> r.replicaError().isPresent(), Duration.ofSeconds(10), "upload error");
          assertThat(r.replicatedTxid()).isLessThan(txid);
        } finally {
          chattr("-i", l0);
        }
        r.syncAndAwait(Duration.ofSeconds(30));
      }
    }
    L0Restore.assertReplicaEquals(replica, db);
  }

  @Test
  void replacedDatabaseFileIsReplicatedInFull() throws Exception {
    ReplicationOptions opts = options();
    Path other = dir.resolve("other.db");
    SqliteCli.create()
        .run(
            other,
            "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB); "
                + "INSERT INTO t(body) VALUES (randomblob(5000)), (randomblob(7000));");
    try (Connection app = open(db)) {
      createTable(app);
      insert(app, 100, 1000, 1);
    }
    try (Replication r = Replication.start(opts)) {
      r.syncAndAwait(Duration.ofSeconds(10));
      // Someone restores an old copy over the live database (application stopped).
      Files.copy(other, db, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(dir.resolve("app.db-wal"));
      Files.deleteIfExists(dir.resolve("app.db-shm"));
      Await.until(
          () -> {
            try {
              r.syncAndAwait(Duration.ofSeconds(5));
              return DbCompare.dump(db).equals(restoredDump());
            } catch (Exception e) {
              return false;
            }
          },
          Duration.ofSeconds(30),
          "replica to follow the replaced database");
    }
    L0Restore.assertReplicaEquals(replica, db);
  }

  private List<String> restoredDump() throws Exception {
    Path out = dir.resolve("probe-" + System.nanoTime() + ".db");
    L0Restore.restore(replica.resolve("ltx/0"), Long.MAX_VALUE, out);
    return DbCompare.dump(out);
  }

  @Test
  void litestreamVfsReadsOurReplica() throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    ReplicationOptions opts = options();
    try (Connection app = open(db)) {
      createTable(app);
      try (Replication r = Replication.start(opts)) {
        for (int i = 0; i < 5; i++) {
          insert(app, 50, 300, i);
          r.syncAndAwait(Duration.ofSeconds(10));
        }
      }
    }
    String sql =
        "SELECT count(*), sum(length(body)), hex(md5sum) FROM (SELECT body, 0 AS md5sum FROM t);"
            + " SELECT id, hex(body) FROM t ORDER BY id;";
    String viaVfs = vfs.query(replica, sql);
    String direct = SqliteCli.create().run(db, sql);
    assertThat(viaVfs).isEqualTo(direct);
    assertThat(vfs.query(replica, "PRAGMA integrity_check;").strip()).isEqualTo("ok");
  }

  static boolean chattr(String flag, Path p) {
    try {
      Process proc =
          new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
      return proc.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
