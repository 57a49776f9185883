package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Level-9 snapshots of a live database: while one is being uploaded (held mid-stream), the
 * application can write without waiting and checkpoint, nothing is staged on local disk, and the
 * snapshot still holds exactly the state at its TXID.
 */
class StoreSnapshotTest {
  @TempDir Path dir;
  ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "test-snapshot-caller"));

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  private Connection app(Path db) throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA busy_timeout=2000");
      st.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB, note TEXT)");
    }
    return c;
  }

  private static ReplicationOptions options(Path db, Path replica) {
    return ReplicationOptions.of(db, replica.toUri().toString())
        .withSyncInterval(Duration.ZERO)
        .withDbOptions(
            DbOptions.DEFAULTS
                .withMonitorInterval(Duration.ofMillis(50))
                .withMinCheckpointPageCount(200));
  }

  @Test
  void snapshotInFlightNeitherBlocksWritersNorStagesACopyAndHoldsExactlyItsTxid() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    FileReplicaClient files = new FileReplicaClient(replica);
    GatedClient gated =
        new GatedClient(new FileReplicaClient(replica), LtxFileInfo.SNAPSHOT_LEVEL, 256 * 1024);
    try (Connection app = app(db)) {
      try (Statement st = app.createStatement()) {
        st.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) "
                + "INSERT INTO t (body, note) SELECT randomblob(900), 'row ' || i FROM n");
      }
      try (Replication r =
          Replication.start(
              options(db, replica).withStore(StoreOptions.DEFAULTS.withBackground(false)), gated)) {
        long txid = r.syncAndAwait(Duration.ofSeconds(20));
        SourceState atSnapshot = SourceState.capture(txid, db, dir.resolve("capture"));
        long dbSize = Files.size(db) + Files.size(db.resolveSibling("app.db-wal"));

        Future<Optional<LtxFileInfo>> snapshot = executor.submit(() -> r.store().snapshotNow(true));
        assertThat(gated.reached.await(20, TimeUnit.SECONDS))
            .as("snapshot upload under way")
            .isTrue();

        // The application writes without any busy wait, over pages the snapshot still has to read,
        // and checkpoints; the replicator keeps syncing meanwhile.
        try (Statement st = app.createStatement()) {
          st.execute("PRAGMA busy_timeout=0");
          for (int i = 0; i < 20; i++) {
            st.execute(
                "UPDATE t SET body = randomblob(900), note = 'changed "
                    + i
                    + "' WHERE id % 20 = "
                    + i);
            st.execute("INSERT INTO t (body, note) VALUES (randomblob(3000), 'new " + i + "')");
          }
          try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            assertThat(rs.next()).isTrue();
          }
          st.execute("DELETE FROM t WHERE id % 3 = 0");
          st.execute("PRAGMA busy_timeout=2000");
        }
        long later = r.syncAndAwait(Duration.ofSeconds(20));
        assertThat(later).as("replication continues during the snapshot").isGreaterThan(txid);
        assertThat(stagedBytes(dir.resolve(".app.db-litestream")))
            .as("local state besides L0 while a %d-byte database is being snapshotted", dbSize)
            .isLessThan(64 * 1024);

        gated.release.countDown();
        LtxFileInfo written = snapshot.get(60, TimeUnit.SECONDS).orElseThrow();
        assertThat(written.minTxid()).isEqualTo(1);
        assertThat(written.maxTxid()).isEqualTo(txid);
        atSnapshot.assertRestoredBy(files, List.of(written), dir.resolve("restored.db"));

        SourceState now = SourceState.capture(later, db, dir.resolve("capture-later"));
        LtxFileInfo next = r.store().snapshotNow(false).orElseThrow();
        assertThat(next.maxTxid()).isEqualTo(later);
        now.assertRestoredBy(files, List.of(next), dir.resolve("restored-later.db"));
      }
    }
  }

  @Test
  void snapshotsAreSkippedWhileNothingChangesUnlessForced() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    try (Connection app = app(db);
        Replication r =
            Replication.start(
                options(db, replica).withStore(StoreOptions.DEFAULTS.withBackground(false)),
                new FileReplicaClient(replica))) {
      try (Statement st = app.createStatement()) {
        st.execute("INSERT INTO t (body, note) VALUES (randomblob(100), 'a')");
      }
      r.syncAndAwait(Duration.ofSeconds(20));
      LtxFileInfo first = r.store().snapshotNow(false).orElseThrow();
      assertThat(r.store().snapshotNow(false)).as("idle").isEmpty();
      assertThat(r.store().snapshotNow(false)).as("still idle").isEmpty();
      assertThat(r.store().snapshotNow(true))
          .as("forced")
          .hasValueSatisfying(f -> assertThat(f.name()).isEqualTo(first.name()));
      try (Statement st = app.createStatement()) {
        st.execute("INSERT INTO t (body, note) VALUES (randomblob(100), 'b')");
      }
      assertThat(r.store().snapshotNow(false))
          .hasValueSatisfying(f -> assertThat(f.maxTxid()).isGreaterThan(first.maxTxid()));
      assertThat(r.store().stats().snapshots()).isEqualTo(3);
    }
  }

  /**
   * The last line of defence: pages that change underneath a snapshot (here: overwritten directly
   * in the database file, as a checkpoint racing the reader would) fail the upload, and no snapshot
   * is published.
   */
  @Test
  void aSnapshotWhoseDatabaseChangedUnderneathIsNeverPublished() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    GatedClient gated =
        new GatedClient(new FileReplicaClient(replica), LtxFileInfo.SNAPSHOT_LEVEL, 64 * 1024);
    try (Connection app = app(db)) {
      try (Statement st = app.createStatement()) {
        st.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                + "INSERT INTO t (body, note) SELECT randomblob(900), 'row ' || i FROM n");
      }
      try (Replication r =
          Replication.start(
              options(db, replica).withStore(StoreOptions.DEFAULTS.withBackground(false)), gated)) {
        r.syncAndAwait(Duration.ofSeconds(20));
        Future<Optional<LtxFileInfo>> snapshot = executor.submit(() -> r.store().snapshotNow(true));
        assertThat(gated.reached.await(20, TimeUnit.SECONDS)).isTrue();
        // Pages come from the WAL where it has them, else from the database file: change both.
        try (FileChannel ch = FileChannel.open(db, StandardOpenOption.WRITE)) {
          for (long p = 100; p < ch.size() / 4096; p++) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), p * 4096 + 1000);
          }
        }
        try (FileChannel ch =
            FileChannel.open(db.resolveSibling("app.db-wal"), StandardOpenOption.WRITE)) {
          for (long frame = 32; frame + 24 + 4096 <= ch.size(); frame += 24 + 4096) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), frame + 24 + 1000);
          }
        }
        gated.release.countDown();
        assertThatThrownBy(() -> snapshot.get(60, TimeUnit.SECONDS))
            .hasRootCauseInstanceOf(IOException.class)
            .hasMessageContaining("changed while its snapshot");
        try (Stream<Path> s = Files.list(replica.resolve("ltx").resolve("9"))) {
          assertThat(s.toList()).as("nothing published, no temp file left").isEmpty();
        }
      }
    }
  }

  /**
   * Bytes of the files in the state directory other than L0 files (which hold the database's
   * changes).
   */
  private static long stagedBytes(Path meta) throws Exception {
    Path l0 = meta.resolve("ltx").resolve("0");
    try (Stream<Path> s = Files.walk(meta)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !(p.getParent().equals(l0) && p.getFileName().toString().endsWith(".ltx")))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }
}
