package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.testing.ProcLocks;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle database costs one SQLite connection (issue 15: thousands of databases in one process),
 * and the connection a checkpoint opens and closes again never costs the replicator its locks:
 * checked against the kernel's {@code /proc/locks} by a thread that samples it all the time the
 * checkpoints run, and after each one. Writes come from {@code sqlite3} processes.
 */
class IdleConnectionTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final SqliteCli SQLITE = SqliteCli.create();

  /** SQLite's WAL read-mark locks in the {@code -shm} file: bytes 123 to 127. */
  private static final long FIRST_READ_MARK = 120 + 3;

  @TempDir Path dir;
  private Path db;

  @BeforeEach
  void requireProcLocks() {
    ProcLocks.assumeAvailable();
    db = dir.resolve("app.db");
  }

  @Test
  void idleDatabaseHoldsOneConnectionAndKeepsItsLocksAcrossCheckpoints() throws Exception {
    SQLITE.run(
        db,
        "PRAGMA journal_mode=wal; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);"
            + " INSERT INTO t (v) SELECT randomblob(900) FROM generate_series(1, 50);");
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
      assertIdle(d, "the first sync");
      assertThat(walDescriptors())
          .as("descriptors of the WAL: the replicator's own and its one connection's")
          .isEqualTo(2);

      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong samples = new AtomicLong();
      AtomicReference<String> lost = new AtomicReference<>();
      Thread sampler =
          Thread.ofPlatform()
              .name("lock-sampler")
              .start(
                  () -> {
                    while (!stop.get() && lost.get() == null) {
                      try {
                        if (!ProcLocks.holdsShared(PID, db)) {
                          lost.set(ProcLocks.describe(db));
                        }
                        samples.incrementAndGet();
                      } catch (Exception e) {
                        lost.set("sampling failed: " + e);
                      }
                    }
                  });
      long openedBefore = d.sqliteConnectionsOpened();
      List<Long> walSizes = new ArrayList<>();
      try {
        for (int round = 0; round < 12; round++) {
          SQLITE.run(db, "INSERT INTO t (v) SELECT randomblob(900) FROM generate_series(1, 40);");
          d.sync();
          CheckpointMode mode = round % 2 == 0 ? CheckpointMode.PASSIVE : CheckpointMode.TRUNCATE;
          d.checkpoint(mode);
          assertIdle(d, "checkpoint " + mode + " of round " + round);
          if (mode == CheckpointMode.TRUNCATE) {
            walSizes.add(Files.size(db.resolveSibling("app.db-wal")));
          }
        }
      } finally {
        stop.set(true);
        sampler.join(10_000);
      }
      assertThat(lost.get())
          .as("SHARED lock lost while checkpointing (%d samples)", samples.get())
          .isNull();
      assertThat(samples.get()).isPositive();
      // Each checkpoint opens its second connection, and so does each sync that moves the
      // read transaction off read mark 0; assertIdle showed both closed again.
      assertThat(d.sqliteConnectionsOpened() - openedBefore)
          .as("second connections opened by 12 checkpoints and the 12 syncs before them")
          .isEqualTo(24);
      assertThat(walSizes).as("the TRUNCATE checkpoints emptied the WAL").contains(0L);
      assertThat(walDescriptors()).as("descriptors of the WAL after the checkpoints").isEqualTo(2);
      assertThat(d.stats().fullL0Files())
          .as("full L0 files by reason")
          .containsOnlyKeys("first sync");
      assertThat(d.stats().reopenings()).isZero();
    }
  }

  private void assertIdle(Database d, String after) throws Exception {
    assertThat(d.sqliteConnections()).as("SQLite connections after %s", after).isEqualTo(1);
    assertThat(ProcLocks.holdsShared(PID, db))
        .as("SHARED lock after %s; %s", after, ProcLocks.describe(db))
        .isTrue();
    Path shm = db.resolveSibling("app.db-shm");
    boolean readMark =
        ProcLocks.on(shm).stream()
            .anyMatch(
                l ->
                    l.pid() == PID
                        && l.type().equals("READ")
                        && l.start() >= FIRST_READ_MARK
                        && l.start() < FIRST_READ_MARK + 5);
    assertThat(readMark)
        .as("a WAL read-mark lock after %s; %s", after, ProcLocks.describe(shm))
        .isTrue();
  }

  /**
   * Descriptors of this process open on the WAL file (read from {@code /proc/self/fd}, opening
   * nothing).
   */
  private long walDescriptors() throws Exception {
    Path wal = db.resolveSibling("app.db-wal").toRealPath();
    long n = 0;
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).equals(wal)) {
            n++;
          }
        } catch (java.io.IOException e) {
          // closed meanwhile
        }
      }
    }
    return n;
  }
}
