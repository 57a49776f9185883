package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    assumeTrue(ProcLocks.available(), "needs /proc/locks (Linux) to observe POSIX locks");
    db = dir.resolve("app.db");
  }

  @Test
  void theSyncAfterACheckpointMovesTheReadTransactionOffReadMarkZero() throws Exception {
    SQLITE.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);");
    DbOptions options =
        DbOptions.DEFAULTS
            .withMinCheckpointPageCount(1_000_000)
            .withCheckpointInterval(Duration.ZERO);
    try (Database d =
        new Database(
            db,
            options,
            new LocalLtxDir(dir.resolve("meta")),
            BaselineSource.NONE,
            p -> {},
            Clock.systemUTC())) {
      d.open();
      d.sync();
      SQLITE.run(db, INSERT);
      d.sync();
      d.checkpoint(CheckpointMode.PASSIVE);
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
