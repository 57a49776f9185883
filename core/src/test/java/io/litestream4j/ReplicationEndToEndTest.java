package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.db.DbOptions;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxApplier;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.testing.DbCompare;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application writes through JDBC — including its own checkpoints of every mode, VACUUM and
 * large deletes — while replication runs in-process. At many TXIDs the source is captured; the
 * replica's files up to each TXID must rebuild exactly that database (content, rolling checksum,
 * integrity).
 */
class ReplicationEndToEndTest {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedTxidRestoresToTheSourceAsItWasThen() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Map<Long, Expected> expected = new LinkedHashMap<>();
    Random rnd = new Random(42);
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("PRAGMA busy_timeout=200");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB, note TEXT)");
      }
      ReplicationOptions opts = ReplicationOptions.of(db, replica.toUri().toString())
          .withSyncInterval(Duration.ZERO)
          .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50))
              .withMinCheckpointPageCount(64));
      try (Replication r = Replication.start(opts)) {
        for (int round = 0; round < 40; round++) {
          applicationStep(app, round, rnd);
          long txid = r.syncAndAwait(Duration.ofSeconds(20));
          expected.put(txid, new Expected(DbCompare.dump(db), logicalChecksum(db, dir.resolve("copy-" + txid))));
        }
      }
    }
    assertThat(expected).hasSizeGreaterThan(20);
    for (var e : expected.entrySet()) {
      Path out = dir.resolve("restored-" + e.getKey() + ".db");
      long checksum = restoreFromL0(replica, e.getKey(), out);
      DbCompare.assertSameContent(e.getValue().dump(), DbCompare.dump(out), "TXID " + e.getKey());
      assertThat(checksum).as("checksum at TXID %d", e.getKey()).isEqualTo(e.getValue().checksum());
      assertThat(DatabaseChecksum.of(out)).isEqualTo(e.getValue().checksum());
      DbCompare.assertIntegrity(out);
    }
  }

  private record Expected(List<String> dump, long checksum) {}

  private static void applicationStep(Connection app, int round, Random rnd) throws Exception {
    app.setAutoCommit(false);
    try (PreparedStatement ins = app.prepareStatement("INSERT INTO t (body, note) VALUES (?, ?)")) {
      int rows = round % 7 == 3 ? 400 : 1 + rnd.nextInt(30);
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
    try (Statement st = app.createStatement()) {
      switch (round % 10) {
        case 2 -> st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        case 4 -> st.execute("PRAGMA wal_checkpoint(FULL)");
        case 5 -> st.execute("DELETE FROM t WHERE id % 3 = 0");
        case 6 -> st.execute("PRAGMA wal_checkpoint(RESTART)");
        case 8 -> st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        case 9 -> st.execute("VACUUM");
        default -> { }
      }
    } catch (java.sql.SQLException busy) {
      // Checkpoint modes that wait for readers give up with SQLITE_BUSY while we replicate.
      assertThat(busy.getMessage()).containsAnyOf("locked", "BUSY");
    }
  }

  /**
   * The rolling checksum of the database as SQLite sees it (file plus WAL): a copy of both files
   * is checkpointed into a standalone file, whose pages then are the logical pages.
   */
  static long logicalChecksum(Path db, Path scratch) throws Exception {
    Files.createDirectories(scratch);
    Path copy = scratch.resolve("copy.db");
    Files.copy(db, copy);
    Path wal = db.resolveSibling(db.getFileName() + "-wal");
    if (Files.exists(wal)) {
      Files.copy(wal, scratch.resolve("copy.db-wal"));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return DatabaseChecksum.of(copy);
  }

  /** Applies the replica's L0 files 1..txid and returns the restored database's checksum. */
  static long restoreFromL0(Path replica, long txid, Path out) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(replica.resolve("ltx/0"))) {
      s.filter(p -> LtxFileName.parse(p.getFileName().toString()).map(n -> n.maxTxid() <= txid).orElse(false))
          .sorted()
          .forEach(files::add);
    }
    assertThat(files).as("L0 files up to %d", txid).hasSize((int) txid);
    List<InputStream> streams = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
      for (Path p : files) {
        streams.add(Files.newInputStream(p));
      }
      LtxApplier a = LtxApplier.restore(streams, ch);
      return a.checksum();
    } finally {
      for (InputStream in : streams) {
        in.close();
      }
    }
  }
}
