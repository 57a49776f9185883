package io.litestream4j.sqlite;

import static io.litestream4j.sqlite.WalFixtures.apply;
import static io.litestream4j.sqlite.WalFixtures.execute;
import static io.litestream4j.sqlite.WalFixtures.openWalDatabase;
import static io.litestream4j.sqlite.WalFixtures.reader;
import static io.litestream4j.sqlite.WalFixtures.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SqliteCli;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WAL files written by real SQLite (sqlite-jdbc 3.54 and the sqlite3 CLI): replaying the frames the
 * reader returns onto a copy of the database file taken when the WAL started must give the source
 * database, content and integrity.
 */
class WalReaderSqliteTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "page size {0}")
  @ValueSource(ints = {512, 4096, 65536})
  void replayingCommittedFramesReproducesTheSource(int pageSize) throws Exception {
    Path db = dir.resolve("src.db");
    Path base = dir.resolve("base.db");
    try (Connection source = openWalDatabase(db, pageSize)) {
      execute(
          source,
          TABLE,
          "CREATE INDEX t_name ON t(name)",
          "INSERT INTO t(name, data) SELECT 'seed' || value, randomblob(300) FROM " + series(50),
          "PRAGMA wal_checkpoint(TRUNCATE)");
      Files.copy(db, base);
      int transactions = writeWorkload(source);
      try (FileChannel wal = FileChannel.open(walOf(db), StandardOpenOption.READ)) {
        WalReader reader = reader(wal);
        assertThat(reader.pageSize()).isEqualTo(pageSize);
        // SQLite picks the checksum byte order of the machine it runs on (0x377f0682 on x86-64 and
        // arm64)
        assertThat(reader.header().bigEndianChecksums())
            .isEqualTo(ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN);
        WalSegment segment = reader.scan(reader.start());

        assertThat(segment.commits()).isEqualTo(transactions);
        assertThat(segment.end().offset()).isEqualTo(wal.size());
        assertThat(segment.commit()).isEqualTo(pageCount(source));
        apply(reader, segment, base);
      }
      DbCompare.assertSameContent(
          DbCompare.dump(source), DbCompare.dump(base), "source vs replayed copy");
    }
    DbCompare.assertIntegrity(base);
    assertThat(DatabaseHeader.read(base).pageSize()).isEqualTo(pageSize);
  }

  @Test
  void incrementalScansWithByteLimitChainAndReplayToTheSameState() throws Exception {
    Path db = dir.resolve("src.db");
    Path base = dir.resolve("base.db");
    try (Connection source = openWalDatabase(db, 4096)) {
      execute(source, TABLE, "PRAGMA wal_checkpoint(TRUNCATE)");
      Files.copy(db, base);
      int transactions = writeWorkload(source);

      List<WalSegment> segments = new ArrayList<>();
      try (FileChannel wal = FileChannel.open(walOf(db), StandardOpenOption.READ)) {
        WalReader reader = reader(wal);
        WalPosition position = reader.start();
        long limit = 6L * reader.frameSize();
        while (true) {
          WalSegment segment = reader.scan(position, limit);
          if (segment.isEmpty()) {
            assertThat(segment.end()).isEqualTo(position);
            break;
          }
          assertThat(segment.start()).isEqualTo(position);
          assertThat(reader.continuesFrom(segment.end())).isTrue();
          assertThat(segment.size() <= limit || segment.commits() == 1)
              .as(
                  "segment of %d bytes over the %d-byte limit holds exactly one transaction",
                  segment.size(), limit)
              .isTrue();
          apply(reader, segment, base);
          segments.add(segment);
          position = segment.end();
        }
        assertThat(segments.stream().mapToInt(WalSegment::commits).sum()).isEqualTo(transactions);
        assertThat(segments).hasSizeGreaterThan(2);
        assertThat(position.offset()).isEqualTo(wal.size());

        // more commits later: continuing from the saved position returns exactly those
        transaction(
            source,
            "INSERT INTO t(data) VALUES (randomblob(5000))",
            "DELETE FROM t WHERE id % 3 = 0");
        WalReader later = reader(wal);
        assertThat(later.continuesFrom(position)).isTrue();
        WalSegment tail = later.scan(position);
        assertThat(tail.commits()).isEqualTo(1);
        apply(later, tail, base);
      }
      DbCompare.assertSameContent(
          DbCompare.dump(source), DbCompare.dump(base), "source vs incrementally replayed copy");
    }
    DbCompare.assertIntegrity(base);
  }

  @Test
  void afterWalResetOnlyTheNewGenerationCountsAndOldPositionsNoLongerContinue() throws Exception {
    Path db = dir.resolve("src.db");
    Path base = dir.resolve("base.db");
    try (Connection source = openWalDatabase(db, 4096)) {
      execute(source, TABLE);
      writeWorkload(source);
      WalPosition oldEnd;
      WalHeader oldHeader;
      try (FileChannel wal = FileChannel.open(walOf(db), StandardOpenOption.READ)) {
        WalReader reader = reader(wal);
        oldHeader = reader.header();
        oldEnd = reader.scan(reader.start()).end();
      }
      execute(source, "PRAGMA wal_checkpoint(PASSIVE)");
      Files.copy(db, base);
      long walSizeBefore = Files.size(walOf(db));

      transaction(
          source,
          "UPDATE t SET data = x'01' WHERE id = 1"); // resets the WAL: new salts, written from the
      // start

      try (FileChannel wal = FileChannel.open(walOf(db), StandardOpenOption.READ)) {
        WalReader reader = reader(wal);
        assertThat(wal.size()).isEqualTo(walSizeBefore); // not truncated: stale frames follow
        assertThat(reader.header().salt1()).isEqualTo(oldHeader.salt1() + 1);
        assertThat(reader.header().checkpointSeq()).isEqualTo(oldHeader.checkpointSeq() + 1);
        assertThat(reader.continuesFrom(oldEnd)).isFalse();

        WalSegment segment = reader.scan(reader.start());
        assertThat(segment.commits()).isEqualTo(1);
        assertThat(segment.end().offset()).isLessThan(wal.size());
        apply(reader, segment, base);
      }
      DbCompare.assertSameContent(
          DbCompare.dump(source), DbCompare.dump(base), "source vs replayed copy");
    }
    DbCompare.assertIntegrity(base);
  }

  @Test
  void walWrittenByTheSqlite3CliReplaysToTheFinalDatabase() throws Exception {
    Path db = dir.resolve("cli.db");
    Path base = dir.resolve("base.db");
    SqliteCli cli = SqliteCli.create();
    cli.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
    Files.copy(db, base);
    // persist_wal keeps the WAL after the final checkpoint, so its frames can be read afterwards
    cli.run(
        db,
        """
                .filectrl persist_wal 1
                PRAGMA wal_autocheckpoint=0;
                INSERT INTO t(v) SELECT printf('%0500d', value) FROM generate_series(1, 400);
                BEGIN; UPDATE t SET v = 'changed' WHERE id % 7 = 0; DELETE FROM t WHERE id > 350; COMMIT;
                CREATE TABLE u AS SELECT id, length(v) AS n FROM t;
                """);

    try (FileChannel wal = FileChannel.open(walOf(db), StandardOpenOption.READ)) {
      WalReader reader = reader(wal);
      WalSegment segment = reader.scan(reader.start());
      assertThat(segment.commits()).isEqualTo(3);
      apply(reader, segment, base);
    }
    DbCompare.assertSameContent(db, base);
    DbCompare.assertIntegrity(base);
  }

  /**
   * Re-encodes a real WAL with fresh salts in either checksum byte order and lets SQLite recover
   * from it: SQLite accepts exactly what {@link SyntheticWal} writes, so the synthetic tests test
   * against SQLite's own rules, and the reader reads both orders.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Order.class)
  void sqliteRecoversFromReencodedWalInEitherByteOrder(Order order) throws Exception {
    Path db = dir.resolve("src.db");
    Path copyDir = Files.createDirectory(dir.resolve("copy"));
    Path copy = copyDir.resolve("copy.db");
    List<String> expected;
    SyntheticWal reencoded = new SyntheticWal(order.byteOrder, 4096, 7, 0x11223344, 0x55667788);
    try (Connection source = openWalDatabase(db, 4096)) {
      execute(source, TABLE, "PRAGMA wal_checkpoint(TRUNCATE)");
      Files.copy(db, copy);
      writeWorkload(source);
      expected = DbCompare.dump(source);
      try (FileChannel wal = FileChannel.open(walOf(db), StandardOpenOption.READ)) {
        WalReader reader = reader(wal);
        reader.readFrames(
            reader.scan(reader.start()),
            (frame, page) -> {
              byte[] bytes = new byte[page.remaining()];
              page.get(bytes);
              reencoded.frame(frame.pgno(), frame.header().commit(), bytes);
            });
      }
    }
    Files.write(copyDir.resolve("copy.db-wal"), reencoded.bytes());
    try (FileChannel wal =
        FileChannel.open(copyDir.resolve("copy.db-wal"), StandardOpenOption.READ)) {
      WalReader reader = reader(wal);
      assertThat(reader.header().bigEndianChecksums()).isEqualTo(order == Order.BIG_ENDIAN);
      assertThat(reader.scan(reader.start()).frames()).isEqualTo(reencoded.frames());
    }

    DbCompare.assertSameContent(
        expected, DbCompare.dump(copy), "source vs SQLite recovery of the re-encoded WAL");
    DbCompare.assertIntegrity(copy);
  }

  enum Order {
    LITTLE_ENDIAN(ByteOrder.LITTLE_ENDIAN),
    BIG_ENDIAN(ByteOrder.BIG_ENDIAN);

    final ByteOrder byteOrder;

    Order(ByteOrder byteOrder) {
      this.byteOrder = byteOrder;
    }
  }

  private static final String TABLE =
      "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, data BLOB)";

  /**
   * Inserts, updates, deletes, schema changes, growth and a multi-statement transaction; returns
   * the commit count.
   */
  private static int writeWorkload(Connection c) throws Exception {
    int commits = 0;
    for (int i = 0; i < 20; i++) {
      execute(
          c,
          "INSERT INTO t(name, data) SELECT 'row' || value, randomblob(200 + value) FROM "
              + series(10));
      commits++;
    }
    transaction(
        c,
        "UPDATE t SET data = randomblob(1000) WHERE id % 5 = 0",
        "DELETE FROM t WHERE id % 11 = 0");
    commits++;
    execute(c, "CREATE TABLE extra(k TEXT PRIMARY KEY, v) WITHOUT ROWID");
    commits++;
    execute(c, "INSERT INTO extra SELECT 'k' || value, zeroblob(value * 30) FROM " + series(100));
    commits++;
    execute(c, "DELETE FROM extra WHERE k > 'k5'");
    commits++;
    return commits;
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
    try (var s = c.createStatement();
        var rs = s.executeQuery("PRAGMA page_count")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static Path walOf(Path db) {
    return db.resolveSibling(db.getFileName() + "-wal");
  }
}
