package io.litestream4j.sqlite;

import static io.litestream4j.sqlite.WalFixtures.execute;
import static io.litestream4j.sqlite.WalFixtures.openWalDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatabaseImage} against databases in the states real SQLite leaves them in: rollback mode,
 * WAL mode with uncheckpointed commits (a connection kept open, as a running application does), a
 * checkpointed but not yet reset WAL, a transaction in progress with a hot journal, and a write
 * during the read. Every test also proves the files were not modified.
 */
class DatabaseImageTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @Test
  void rollbackDatabaseImageIsTheFile() throws Exception {
    Path db = dir.resolve("a.db");
    sqlite.run(
        db,
        "PRAGMA page_size=1024; CREATE TABLE t(x); INSERT INTO t SELECT randomblob(900) FROM generate_series(1, 40);");
    String before = hash(db);
    try (DatabaseImage image = DatabaseImage.open(db, true)) {
      assertThat(image.pageSize()).isEqualTo(1024);
      assertThat(image.pageCount()).isEqualTo((int) (Files.size(db) / 1024));
      assertThat(image.walPageCount()).isZero();
      assertThat(image.pendingChanges()).isEmpty();
      byte[] file = Files.readAllBytes(db);
      byte[] page = new byte[1024];
      for (int pgno = image.pageCount();
          pgno >= 1;
          pgno--) { // backwards: defeats the read-ahead chunk
        image.readPage(pgno, page);
        assertThat(page)
            .as("page %d", pgno)
            .isEqualTo(Arrays.copyOfRange(file, (pgno - 1) * 1024, pgno * 1024));
      }
      image.checkUnchanged();
    }
    assertThat(hash(db)).isEqualTo(before);
  }

  @Test
  void uncheckpointedWalIsPendingWithoutAndOverlaidWithTheWal() throws Exception {
    Path db = dir.resolve("w.db");
    try (Connection app = openWalDatabase(db, 4096)) {
      execute(
          app,
          "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)",
          "INSERT INTO t(v) SELECT randomblob(500) FROM " + series(100),
          "PRAGMA wal_checkpoint(TRUNCATE)",
          "UPDATE t SET v = randomblob(700) WHERE id % 3 = 0",
          "INSERT INTO t(v) SELECT randomblob(3000) FROM " + series(20));
      String dbBefore = hash(db);
      String walBefore = hash(wal(db));

      try (DatabaseImage fileOnly = DatabaseImage.open(db, false)) {
        assertThat(fileOnly.pendingChanges())
            .get(STRING)
            .contains("w.db-wal holds 2 committed transactions", "not in w.db yet");
        assertThatThrownBy(fileOnly::requireConsistent).isInstanceOf(PendingChangesException.class);
        assertThat(fileOnly.checksum()).isEqualTo(DatabaseChecksum.of(db));
      }
      try (DatabaseImage image = DatabaseImage.open(db, true)) {
        assertThat(image.pendingChanges()).isEmpty();
        assertThat(image.walPageCount()).isPositive();
        assertThat(image.pageCount()).isEqualTo(pageCount(app));
        assertThat(image.checksum()).isEqualTo(L0Restore.logicalChecksum(db));
        image.checkUnchanged();
      }
      assertThat(hash(db)).isEqualTo(dbBefore);
      assertThat(hash(wal(db))).isEqualTo(walBefore);
    }
  }

  @Test
  void checkpointedWalThatWasNotResetIsNotPending() throws Exception {
    Path db = dir.resolve("w.db");
    try (Connection app = openWalDatabase(db, 4096)) {
      execute(
          app,
          "CREATE TABLE t(v)",
          "INSERT INTO t SELECT randomblob(2000) FROM " + series(30),
          "PRAGMA wal_checkpoint(PASSIVE)");
      assertThat(Files.size(wal(db)))
          .as("the WAL still holds its frames")
          .isGreaterThan(WalHeader.SIZE);
      try (DatabaseImage fileOnly = DatabaseImage.open(db, false);
          DatabaseImage withWal = DatabaseImage.open(db, true)) {
        assertThat(fileOnly.pendingChanges()).isEmpty();
        assertThat(fileOnly.checksum()).isEqualTo(withWal.checksum());
      }
    }
  }

  @Test
  void transactionInProgressLeavesAHotJournalThatIsReported() throws Exception {
    Path db = dir.resolve("j.db");
    sqlite.run(
        db,
        "CREATE TABLE t(v); INSERT INTO t SELECT randomblob(3000) FROM generate_series(1, 50);");
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = writer.createStatement()) {
      s.execute(
          "PRAGMA cache_size=2"); // spill dirty pages into the database file before the commit
      writer.setAutoCommit(false);
      s.execute("UPDATE t SET v = randomblob(3000)");
      assertThat(db.resolveSibling("j.db-journal")).exists();
      try (DatabaseImage image = DatabaseImage.open(db, true)) {
        assertThat(image.pendingChanges())
            .get(STRING)
            .contains("hot rollback journal j.db-journal");
        assertThatThrownBy(image::requireConsistent)
            .isInstanceOf(PendingChangesException.class)
            .hasMessageContaining("half-written");
      }
      writer.rollback();
    }
  }

  @Test
  void writeDuringTheReadIsDetected() throws Exception {
    Path db = dir.resolve("c.db");
    sqlite.run(db, "CREATE TABLE t(v); INSERT INTO t VALUES (1);");
    try (DatabaseImage image = DatabaseImage.open(db, false)) {
      sqlite.run(db, "INSERT INTO t VALUES (2);");
      assertThatThrownBy(image::checkUnchanged)
          .isInstanceOf(DatabaseChangedException.class)
          .hasMessageContaining("c.db changed while it was being read");
    }
  }

  @Test
  void commitToAnOpenWalDatabaseDuringTheReadIsDetected() throws Exception {
    Path db = dir.resolve("w.db");
    try (Connection app = openWalDatabase(db, 4096)) {
      execute(app, "CREATE TABLE t(v)", "INSERT INTO t VALUES (1)");
      try (DatabaseImage image = DatabaseImage.open(db, true)) {
        execute(app, "INSERT INTO t VALUES (2)");
        assertThatThrownBy(image::checkUnchanged).isInstanceOf(DatabaseChangedException.class);
      }
    }
  }

  @Test
  void emptyFileIsAnEmptyDatabase() throws Exception {
    Path db = Files.createFile(dir.resolve("empty.db"));
    try (DatabaseImage image = DatabaseImage.open(db, true)) {
      assertThat(image.isEmpty()).isTrue();
      assertThat(image.pageSize()).isZero();
    }
  }

  @Test
  void badFilesGetClearErrors() throws Exception {
    assertThatThrownBy(() -> DatabaseImage.open(dir.resolve("missing.db"), false))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("missing.db");
    Path text =
        Files.writeString(
            dir.resolve("text.db"), "this is not a database, just some text. ".repeat(5));
    assertThatThrownBy(() -> DatabaseImage.open(text, false))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("text.db: not a SQLite database");
    Path db = dir.resolve("t.db");
    sqlite.run(
        db,
        "CREATE TABLE t(v); INSERT INTO t SELECT randomblob(5000) FROM generate_series(1, 10);");
    byte[] bytes = Files.readAllBytes(db);
    Path truncated =
        Files.write(dir.resolve("truncated.db"), Arrays.copyOf(bytes, bytes.length - 4096));
    assertThatThrownBy(() -> DatabaseImage.open(truncated, false))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("truncated.db is truncated");
    assertThatThrownBy(() -> DatabaseImage.open(dir, false))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("is a directory");
  }

  @Test
  void walOfAnotherPageSizeIsRejected() throws Exception {
    Path db = dir.resolve("p.db");
    Path other = dir.resolve("other.db");
    sqlite.run(db, "PRAGMA page_size=1024; CREATE TABLE t(v);");
    try (Connection app = openWalDatabase(other, 4096)) {
      execute(app, "CREATE TABLE t(v)", "INSERT INTO t VALUES (1)");
      Files.copy(wal(other), wal(db));
    }
    assertThatThrownBy(() -> DatabaseImage.open(db, true))
        .isInstanceOf(SqliteFormatException.class)
        .hasMessageContaining("does not belong to this database");
  }

  /**
   * The numbers 1..n as a subquery with column {@code value} (sqlite-jdbc has no generate_series).
   */
  private static String series(int n) {
    return "(WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < "
        + n
        + ") SELECT value FROM s)";
  }

  private static int pageCount(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        var rs = s.executeQuery("PRAGMA page_count")) {
      return rs.getInt(1);
    }
  }

  private static Path wal(Path db) {
    return db.resolveSibling(db.getFileName() + "-wal");
  }

  private static String hash(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
