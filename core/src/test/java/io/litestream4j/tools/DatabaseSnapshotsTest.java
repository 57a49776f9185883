package io.litestream4j.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LockPage;
import io.litestream4j.ltx.LtxDecoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.sqlite.PendingChangesException;
import io.litestream4j.sqlite.SqliteFormatException;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SqliteCli;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshots of databases made by real SQLite: decoding and applying the snapshot gives the source
 * database (content, integrity, checksum), the checksum is the one every other path computes, the
 * source is never touched, and incomplete databases are refused without leaving files behind.
 */
class DatabaseSnapshotsTest {
  private static final long TIMESTAMP = 1_700_000_000_123L;

  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @ParameterizedTest(name = "page size {0}")
  @ValueSource(ints = {512, 4096, 65536})
  void snapshotRestoresTheSourceDatabase(int pageSize) throws Exception {
    Path db = dir.resolve("src.db");
    sqlite.run(
        db,
        "PRAGMA page_size="
            + pageSize
            + ";"
            + "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, data BLOB);"
            + "CREATE INDEX t_name ON t(name);"
            + "INSERT INTO t(name, data) SELECT 'row' || value, randomblob(value % 900) FROM generate_series(1, 600);"
            + "DELETE FROM t WHERE id % 7 = 0;");
    String before = sha256(db);
    Path ltx = dir.resolve("0000000000000001-0000000000000001.ltx");

    DatabaseSnapshots.Snapshot s = DatabaseSnapshots.write(db, ltx, false, TIMESTAMP);

    assertThat(sha256(db)).as("source untouched").isEqualTo(before);
    assertThat(s.header())
        .isEqualTo(LtxHeader.snapshot(pageSize, (int) (Files.size(db) / pageSize), 1, TIMESTAMP));
    assertThat(s.trailer().postApplyChecksum()).isEqualTo(DatabaseChecksum.of(db));
    assertThat(s.bytes()).isEqualTo(Files.size(ltx));
    assertThat(Files.getLastModifiedTime(ltx).toMillis()).isEqualTo(TIMESTAMP);
    assertThat(dir.resolve(ltx.getFileName() + ".tmp")).doesNotExist();
    try (LtxDecoder dec = new LtxDecoder(Files.newInputStream(ltx))) {
      assertThat(dec.finish()).isEqualTo(s.trailer());
    }

    Path out = dir.resolve("out.db");
    LtxChain.Result r = LtxChain.apply(List.of(ltx), out);
    DbCompare.assertSameContent(db, out);
    DbCompare.assertIntegrity(out);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(db));
    assertThat(r.checksum()).isEqualTo(s.trailer().postApplyChecksum());
    assertThat(DatabaseSnapshots.checksum(db, false).checksum()).isEqualTo(r.checksum());
  }

  @Test
  void walDatabaseIsRefusedUnlessTheWalIsIncluded() throws Exception {
    Path db = dir.resolve("w.db");
    Path ltx = dir.resolve("w.ltx");
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA wal_autocheckpoint=0");
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      st.execute("INSERT INTO t(v) VALUES ('one'), ('two'), ('three')");
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      st.execute("INSERT INTO t(v) SELECT v || '!' FROM t");
      st.execute("UPDATE t SET v = upper(v) WHERE id = 2");
      String dbBefore = sha256(db);
      String walBefore = sha256(wal(db));

      assertThatThrownBy(() -> DatabaseSnapshots.write(db, ltx, false, TIMESTAMP))
          .isInstanceOf(PendingChangesException.class)
          .hasMessageContaining("w.db-wal holds 2 committed transactions");
      assertThat(ltx).doesNotExist();
      assertThat(dir.resolve("w.ltx.tmp")).doesNotExist();

      DatabaseSnapshots.ImageChecksum fileOnly = DatabaseSnapshots.checksum(db, false);
      assertThat(fileOnly.pendingChanges()).isPresent();
      assertThat(fileOnly.checksum()).isEqualTo(DatabaseChecksum.of(db));

      DatabaseSnapshots.Snapshot s = DatabaseSnapshots.write(db, ltx, true, TIMESTAMP);
      assertThat(s.walPages()).isPositive();
      long logical = L0Restore.logicalChecksum(db);
      assertThat(s.trailer().postApplyChecksum()).isEqualTo(logical);
      assertThat(DatabaseSnapshots.checksum(db, true).checksum()).isEqualTo(logical);

      Path out = dir.resolve("out.db");
      LtxChain.apply(List.of(ltx), out);
      DbCompare.assertSameContent(
          DbCompare.dump(app), DbCompare.dump(out), "live source vs snapshot");
      DbCompare.assertIntegrity(out);
      assertThat(sha256(db)).isEqualTo(dbBefore);
      assertThat(sha256(wal(db))).isEqualTo(walBefore);
    }
  }

  @Test
  void databaseReachingTheLockPageSkipsIt() throws Exception {
    // A real 64 KiB-page database, grown (sparsely) past 1 GiB: pages after the schema are zeros,
    // which SQLite's header permits for a test of the page walk.
    Path db = dir.resolve("big.db");
    sqlite.run(db, "PRAGMA page_size=65536; CREATE TABLE t(v); INSERT INTO t VALUES ('x');");
    int lock = LockPage.pgno(65536);
    int pages = lock + 2;
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      f.setLength((long) pages * 65536);
      ByteBuffer header = ByteBuffer.allocate(100);
      f.getChannel().read(header, 0);
      f.getChannel().write(ByteBuffer.allocate(4).putInt(0, pages), 28);
      f.getChannel()
          .write(
              ByteBuffer.allocate(4).putInt(0, header.getInt(24)),
              92); // size valid for this version
    }
    Path ltx = dir.resolve("big.ltx");

    DatabaseSnapshots.Snapshot s = DatabaseSnapshots.write(db, ltx, false, TIMESTAMP);

    assertThat(s.header().commit()).isEqualTo(pages);
    int frames = 0;
    try (LtxDecoder dec = new LtxDecoder(Files.newInputStream(ltx))) {
      byte[] page = new byte[65536];
      for (int pgno = dec.nextPage(page); pgno != 0; pgno = dec.nextPage(page)) {
        assertThat(pgno).isNotEqualTo(lock);
        frames++;
      }
      LtxTrailer t = dec.finish();
      assertThat(t.postApplyChecksum()).isEqualTo(DatabaseChecksum.of(db));
    }
    assertThat(frames).isEqualTo(pages - 1);
  }

  @Test
  void emptyAndForeignFilesAreRefused() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.db"));
    Path ltx = dir.resolve("x.ltx");
    assertThatThrownBy(() -> DatabaseSnapshots.write(empty, ltx, false, TIMESTAMP))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("empty database");
    assertThat(DatabaseSnapshots.checksum(empty, false).checksum())
        .isEqualTo(Checksums.EMPTY_DATABASE);
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello ".repeat(100));
    assertThatThrownBy(() -> DatabaseSnapshots.write(text, ltx, false, TIMESTAMP))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("not a SQLite database");
    assertThat(ltx).doesNotExist();
  }

  private static Path wal(Path db) {
    return db.resolveSibling(db.getFileName() + "-wal");
  }

  static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
