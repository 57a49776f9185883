package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.testing.ProcLocks;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a complete checkpoint SQLite puts the replicator's read transaction on read mark 0, which
 * blocks every backfill: the application's automatic checkpoint then sorts the whole WAL on each
 * commit and gives up, so its writers slow down as the WAL grows (issue 10). The next sync must
 * move the read transaction to a mark inside the new WAL generation. Observed through the kernel's
 * {@code /proc/locks} (which read-mark byte of the {@code -shm} file we lock) and through what an
 * application's own checkpoint, in a {@code sqlite3} process, manages to backfill.
 */
class ReadMarkTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final SqliteCli SQLITE = SqliteCli.create();

  /** SQLite's WAL read-mark locks in the {@code -shm} file: mark i is byte 123 + i. */
  private static final long READ_MARK_ZERO = 120 + 3;

  private static final String INSERT =
      "INSERT INTO t (v) SELECT randomblob(900) FROM generate_series(1, 40);";

  @TempDir Path dir;
  private Path db;

  @BeforeEach
  void requireProcLocks() {
    ProcLocks.assumeAvailable();
    db = dir.resolve("app.db");
  }

  @Test
  void theSyncAfterACheckpointMovesTheReadTransactionOffReadMarkZero() throws Exception {
    try (Database d = checkpointedWithoutOwnCheckpoints()) {
      assertThat(readMarks()).as("read marks we hold after a complete checkpoint").containsOnly(0L);
      assertThat(d.wantsEarlySync()).isTrue();

      SQLITE.run(db, INSERT); // restarts the WAL: every frame was checkpointed
      long[] blocked = applicationCheckpoint();
      assertThat(blocked[2])
          .as(
              "frames an application checkpoint backfills while we read on mark 0 (of %d)",
              blocked[1])
          .isZero();

      d.sync();
      assertThat(readMarks()).as("read marks we hold after the next sync").doesNotContain(0L);
      assertThat(readMarks()).hasSize(1);
      assertThat(d.wantsEarlySync()).isFalse();
      long[] after = applicationCheckpoint();
      assertThat(after[2])
          .as("frames an application checkpoint backfills now (all were synced)")
          .isEqualTo(after[1])
          .isPositive();

      SQLITE.run(db, INSERT); // appended: our read mark keeps the WAL from restarting
      d.sync();
      assertThat(d.position().txid()).isEqualTo(4); // schema, three inserts
      assertThat(d.stats().fullL0Files()).containsOnlyKeys("first sync");
    }
  }

  /**
   * While nothing is committed after a complete checkpoint there is no mark to move to: a sync must
   * not open a connection for a hand-over. (It did, on every sync; run as root, SQLite's open of
   * the WAL changes its owner, which is a change notification, so the sync thread span at full
   * speed until the next commit.)
   */
  @Test
  void anIdleDatabaseOnReadMarkZeroOpensNoConnectionWhenSyncing() throws Exception {
    try (Database d = checkpointedWithoutOwnCheckpoints()) {
      assertThat(d.wantsEarlySync()).isTrue();
      long opened = d.sqliteConnectionsOpened();

      for (int i = 0; i < 20; i++) {
        d.sync();
      }
      assertThat(d.sqliteConnectionsOpened())
          .as("connections opened by 20 syncs with nothing committed")
          .isEqualTo(opened);
      assertThat(readMarks()).containsOnly(0L);

      SQLITE.run(db, INSERT); // restarts the WAL
      d.sync();
      assertThat(readMarks()).as("read marks after the first commit's sync").doesNotContain(0L);
      assertThat(d.wantsEarlySync()).isFalse();
      assertThat(d.position().txid()).isEqualTo(3);
    }
  }

  /**
   * The monitor must not leave the reader on read mark 0 until its next scheduled sync: change
   * notifications of a busy database are muted for about a sync interval, and meanwhile every
   * application commit past 1000 frames would sort the whole new WAL. Here the monitor interval and
   * the least gap between syncs are 30 s and nothing but the test signals the monitor, so only its
   * poll after its own checkpoint can move the reader in time.
   */
  @Test
  void theMonitorMovesTheReaderOffReadMarkZeroSoonAfterTheNextCommit() throws Exception {
    try (Database d =
        openDatabase(
            DbOptions.DEFAULTS
                .withMonitorInterval(Duration.ofSeconds(30))
                .withMinCheckpointPageCount(1)
                .withCheckpointInterval(Duration.ZERO))) {
      d.sync();
      SQLITE.run(db, INSERT);
      d.sync(); // leaves the read mark 0 of the start
      assertThat(readMarks()).doesNotContain(0L);
      try (DatabaseMonitor monitor = new DatabaseMonitor(d, Duration.ofSeconds(30))) {
        monitor.start();
        SQLITE.run(db, INSERT);
        monitor.signal(); // its sync checkpoints (1 frame is enough here): read mark 0
        awaitReadMarks(marks -> marks.equals(List.of(0L)), "the monitor's checkpoint");
        SQLITE.run(db, INSERT); // restarts the WAL
        awaitReadMarks(
            marks -> marks.size() == 1 && !marks.contains(0L),
            "the next commit (next scheduled sync: in 30 s)");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (d.position().txid() < 4 && System.nanoTime() < deadline) {
          Thread.sleep(10); // the reader moves first, the sync follows
        }
        assertThat(d.position().txid()).isEqualTo(4);
      }
    }
  }

  private void awaitReadMarks(java.util.function.Predicate<List<Long>> ok, String after)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!ok.test(readMarks()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    List<Long> marks = readMarks();
    assertThat(ok.test(marks)).as("read marks %s within 5 s of %s", marks, after).isTrue();
  }

  /**
   * Our database with one insert synced and a complete checkpoint run: its reader is on read mark
   * 0. It never checkpoints on its own.
   */
  private Database checkpointedWithoutOwnCheckpoints() throws Exception {
    Database d =
        openDatabase(
            DbOptions.DEFAULTS
                .withMinCheckpointPageCount(1_000_000)
                .withCheckpointInterval(Duration.ZERO));
    try {
      d.sync();
      SQLITE.run(db, INSERT);
      d.sync();
      d.checkpoint(CheckpointMode.PASSIVE);
      return d;
    } catch (Exception e) {
      d.close();
      throw e;
    }
  }

  /** A table {@code t}, and our {@link Database} on it, opened. */
  private Database openDatabase(DbOptions options) throws Exception {
    SQLITE.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);");
    Database d =
        new Database(
            db,
            options,
            new LocalLtxDir(dir.resolve("meta")),
            BaselineSource.NONE,
            p -> {},
            Clock.systemUTC());
    try {
      d.open();
      return d;
    } catch (Exception e) {
      d.close();
      throw e;
    }
  }

  /** {@code PRAGMA wal_checkpoint(PASSIVE)} from a {@code sqlite3} process: busy, log, done. */
  private long[] applicationCheckpoint() {
    String[] cols = SQLITE.run(db, "PRAGMA wal_checkpoint(PASSIVE);").strip().split("\\|");
    return new long[] {Long.parseLong(cols[0]), Long.parseLong(cols[1]), Long.parseLong(cols[2])};
  }

  /** Read marks this process holds a lock on, from {@code /proc/locks}. */
  private List<Long> readMarks() throws Exception {
    return ProcLocks.on(db.resolveSibling("app.db-shm")).stream()
        .filter(l -> l.pid() == PID && l.type().equals("READ"))
        .filter(l -> l.start() >= READ_MARK_ZERO && l.start() < READ_MARK_ZERO + 5)
        .map(l -> l.start() - READ_MARK_ZERO)
        .toList();
  }
}
