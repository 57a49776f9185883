package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.internal.WorkPermits;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync that keeps failing (a full disk, an unwritable state directory) is retried with a growing
 * backoff even while the application keeps committing: each commit signals the monitor, and before
 * the backoff honoured signals only after a few seconds the failure was retried, and logged, at
 * every commit.
 */
class SyncRetryTest {
  private static final SqliteCli SQLITE = SqliteCli.create();

  @TempDir Path dir;

  @Test
  void commitsDoNotRetryAFailingSyncFasterThanTheBackoffAllows() throws Exception {
    Path db = dir.resolve("app.db");
    SQLITE.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t (v);");
    Path blocker = Files.writeString(dir.resolve("blocker"), "not a directory");
    try (Database d =
        new Database(
            db,
            DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(20)),
            new LocalLtxDir(blocker.resolve("meta")), // cannot be created: every sync fails
            BaselineSource.NONE,
            p -> {},
            Clock.systemUTC())) {
      try (DatabaseMonitor monitor =
          new DatabaseMonitor(d, Duration.ZERO, WorkPermits.unbounded(), null)) {
        monitor.start();
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end) {
          monitor.signal(); // the application commits every 5 ms
          Thread.sleep(5);
        }
        // Backoff 100, 200, 400, 800 ms, then 2 s apart at most: about 6 attempts in 3 s; a
        // retry at every signal would make hundreds.
        assertThat(monitor.wakeUps()).as("sync attempts in 3 s of commits").isBetween(3L, 10L);
        assertThat(d.position().txid()).as("nothing synced").isZero();
      }
    }
  }
}
