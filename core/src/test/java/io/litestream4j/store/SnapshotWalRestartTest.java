package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.db.CheckpointMode;
import io.litestream4j.db.Database;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.Replica;
import io.litestream4j.replica.file.FileReplicaClient;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardest case for a snapshot read without SQLite's write lock (Litestream issue 1164): the
 * replicator's own checkpoint has just copied the whole WAL into the database, so its read
 * transaction sits on read mark 0 and the application is free to restart the WAL and overwrite the
 * very frames the snapshot was going to read. The snapshot must still be exactly its TXID.
 */
class SnapshotWalRestartTest {
  @TempDir Path dir;

  @Test
  void framesOverwrittenByAWalRestartAreReadFromTheDatabaseFile() throws Exception {
    Path db = dir.resolve("app.db");
    FileReplicaClient files = new FileReplicaClient(dir.resolve("replica"));
    GatedClient gated = new GatedClient(files, LtxFileInfo.SNAPSHOT_LEVEL, 32 * 1024);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "test-snapshot-caller"));
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("PRAGMA wal_autocheckpoint=0");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
      }
      Replica replica = new Replica(gated, Duration.ZERO, "app.db");
      Database database =
          new Database(
              db,
              DbOptions.DEFAULTS
                  .withMinCheckpointPageCount(1_000_000)
                  .withCheckpointInterval(Duration.ZERO),
              new LocalLtxDir(LocalLtxDir.defaultMetaDir(db)),
              replica,
              replica::onSynced,
              Clock.systemUTC());
      replica.start(database.l0Files());
      Store store =
          Store.open(
              database, gated, StoreOptions.DEFAULTS.withBackground(false), Clock.systemUTC());
      try {
        database.sync();
        try (Statement st = app.createStatement()) {
          st.execute(
              "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) "
                  + "INSERT INTO t (body) SELECT randomblob(900) FROM n");
        }
        long txid = database.sync().txid();
        replica.awaitReplicated(txid, Duration.ofSeconds(10));
        database.checkpoint(
            CheckpointMode.PASSIVE); // complete: every frame is in the database file now
        SourceState expected = SourceState.capture(txid, db, dir.resolve("capture"));
        int saltBefore = walSalt1(db);

        Future<Optional<LtxFileInfo>> snapshot = executor.submit(() -> store.snapshotNow(true));
        assertThat(gated.reached.await(20, TimeUnit.SECONDS)).isTrue();
        try (Statement st = app.createStatement()) {
          st.execute(
              "UPDATE t SET body = randomblob(900)"); // restarts the WAL and overwrites its frames
        }
        assertThat(walSalt1(db)).as("the application restarted the WAL").isNotEqualTo(saltBefore);
        gated.release.countDown();

        LtxFileInfo written = snapshot.get(60, TimeUnit.SECONDS).orElseThrow();
        assertThat(written.maxTxid()).isEqualTo(txid);
        expected.assertRestoredBy(files, List.of(written), dir.resolve("restored.db"));
      } finally {
        gated.release.countDown();
        store.close();
        replica.shutdown(Duration.ofSeconds(5), Duration.ofMillis(50));
        database.close();
        executor.shutdownNow();
      }
    }
  }

  private static int walSalt1(Path db) throws Exception {
    try (FileChannel ch =
        FileChannel.open(db.resolveSibling(db.getFileName() + "-wal"), StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      return b.getInt(16);
    }
  }
}
