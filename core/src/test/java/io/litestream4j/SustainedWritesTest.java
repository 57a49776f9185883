package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.db.CheckpointMode;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.ProcLocks;
import io.litestream4j.testing.SqliteCli;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sustained writes at the highest rate a separate {@code sqlite3} process manages (autocommit, 1 KB
 * rows, {@code synchronous=NORMAL}, its own {@code wal_autocheckpoint} left on) while the
 * replicator runs with its defaults. The replicator must never lose track of the WAL: the only full
 * L0 file is the first sync, its SHARED lock is held throughout, and the replica equals the
 * database afterwards. Runs {@code litestream4j.sustained.seconds} seconds (20 by default, 60 with
 * {@code -Pfaults}).
 */
class SustainedWritesTest {
  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path dir;

  /**
   * @param truncatePageCount 0 for the defaults; a small value makes nearly every checkpoint the
   *     emergency TRUNCATE, whose race with the writer is what once produced surprise full files
   */
  @ParameterizedTest(name = "truncate-page-n={0}")
  @ValueSource(ints = {0, 2000})
  void onlyTheFirstSyncIsAFullFileUnderSustainedWrites(int truncatePageCount) throws Exception {
    ProcLocks.assumeAvailable();
    long seconds = Long.getLong("litestream4j.sustained.seconds", 20);
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    SqliteCli.create()
        .run(db, "PRAGMA journal_mode=wal; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);");
    ReplicationOptions options = ReplicationOptions.of(db, replica.toUri().toString());
    if (truncatePageCount > 0) {
      options = options.withDbOptions(DbOptions.DEFAULTS.withTruncatePageCount(truncatePageCount));
    }
    try (Replication r = Replication.start(options)) {
      Path log = dir.resolve("writer.log");
      Process writer =
          new ProcessBuilder(
                  System.getProperty("litestream4j.sqlite3", "sqlite3"),
                  "-bail",
                  "-cmd",
                  ".timeout 10000",
                  db.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      List<String> lockLost = new ArrayList<>();
      long statements = 0;
      long started = System.nanoTime();
      long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
      long nextLockCheck = started;
      try (BufferedWriter in =
          new BufferedWriter(
              new OutputStreamWriter(writer.getOutputStream(), StandardCharsets.UTF_8), 1 << 16)) {
        in.write("PRAGMA synchronous=NORMAL;\n");
        while (System.nanoTime() < deadline && writer.isAlive()) {
          for (int i = 0; i < 500; i++) {
            // A bounded table (5000 rows of 1 KB) with a WAL that keeps growing and restarting.
            in.write(
                "INSERT OR REPLACE INTO t (id, v) VALUES (abs(random()) % 5000, randomblob(1024));\n");
          }
          statements += 500;
          if (System.nanoTime() >= nextLockCheck) {
            nextLockCheck += TimeUnit.MILLISECONDS.toNanos(250);
            if (!ProcLocks.holdsShared(PID, db)) {
              lockLost.add(
                  String.format(
                      "%.1f s: %s", (System.nanoTime() - started) / 1e9, ProcLocks.describe(db)));
            }
          }
        }
      }
      assertThat(writer.waitFor(120, TimeUnit.SECONDS)).as("writer finished").isTrue();
      double elapsed = (System.nanoTime() - started) / 1e9;
      assertThat(writer.exitValue()).as("sqlite3 writer: %s", Files.readString(log)).isZero();
      r.syncAndAwait(Duration.ofSeconds(120));
      System.out.printf(
          "sustained-writes: %d commits in %.1f s (%.0f/s), syncs=%d, full L0 files=%s, reopenings=%d,"
              + " checkpoints=%s%n",
          statements,
          elapsed,
          statements / elapsed,
          r.stats().successes(),
          r.stats().fullL0Files(),
          r.stats().reopenings(),
          r.stats().checkpoints());
      assertThat(lockLost).as("moments without the replicator's SHARED lock").isEmpty();
      // The first sync is the only expected full file; any other reason (a WAL restart, overwrite,
      // truncation or replacement) means the replicator lost track of the WAL.
      assertThat(r.stats().fullL0Files())
          .as("full L0 files by reason")
          .containsExactlyEntriesOf(java.util.Map.of("first sync", 1L));
      assertThat(r.stats().reopenings()).as("reopenings").isZero();
      if (truncatePageCount > 0) {
        assertThat(r.stats().checkpoints().get(CheckpointMode.TRUNCATE.name()))
            .as("TRUNCATE checkpoints ran")
            .isNotNull()
            .extracting(SyncStatistics.Checkpoints::count)
            .isNotEqualTo(0L);
      }
      L0Restore.assertReplicaEquals(replica, db);
    }
  }
}
