package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.internal.WorkPermits;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety-net polls of idle databases are made by one thread (issue 15): an idle database's
 * monitor does not wake at all, and a commit nobody notified still gets synced within about one
 * monitor interval.
 */
class IdlePollerTest {
  private static final SqliteCli SQLITE = SqliteCli.create();

  @TempDir Path dir;

  @Test
  void checksEveryIntervalAfterPostponingAndStopsAtAChangeUntilPostponedAgain() throws Exception {
    try (IdlePoller poller = new IdlePoller()) {
      List<Long> checks = new CopyOnWriteArrayList<>();
      AtomicBoolean change = new AtomicBoolean();
      AtomicInteger told = new AtomicInteger();
      BooleanSupplier check =
          () -> {
            checks.add(System.nanoTime());
            return change.get();
          };
      IdlePoller.Poll poll = poller.register(Duration.ofMillis(40), check, told::incrementAndGet);
      Thread.sleep(200);
      assertThat(checks).as("checks before the first postpone").isEmpty();

      long postponed = System.nanoTime();
      poll.postpone();
      awaitCondition(() -> checks.size() >= 5, "five checks");
      assertThat(checks.getFirst() - postponed)
          .as("the first check comes one interval after the postpone, not before")
          .isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
      for (int i = 1; i < checks.size(); i++) {
        assertThat(checks.get(i) - checks.get(i - 1))
            .isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
      }
      assertThat(told).hasValue(0);

      change.set(true);
      awaitCondition(() -> told.get() == 1, "the change is told");
      int afterChange = checks.size();
      Thread.sleep(200);
      assertThat(checks).as("no checks while suspended after a change").hasSize(afterChange);
      assertThat(told).hasValue(1);

      change.set(false);
      poll.postpone();
      awaitCondition(() -> checks.size() >= afterChange + 2, "checks after postponing again");
      poll.cancel();
      Thread.sleep(100);
      int afterCancel = checks.size();
      Thread.sleep(200);
      assertThat(checks).as("no checks after cancel").hasSize(afterCancel);
      assertThat(poller.size()).isZero();
    }
  }

  /**
   * Without the poller the monitor's thread woke every interval to poll (1000 virtual-thread
   * wake-ups a second at 1000 idle databases); with it, an idle database's monitor stays asleep
   * while its polls are still made, and a commit nothing notifies is found by the poll.
   */
  @Test
  void anIdleDatabasesMonitorSleepsWhileThePollerPollsAndFindsACommit() throws Exception {
    Path db = dir.resolve("app.db");
    SQLITE.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB);");
    try (IdlePoller poller = new IdlePoller();
        Database d =
            new Database(
                db,
                DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(20)),
                new LocalLtxDir(dir.resolve("meta")),
                BaselineSource.NONE,
                p -> {},
                Clock.systemUTC())) {
      d.open();
      d.sync();
      try (DatabaseMonitor monitor =
          new DatabaseMonitor(d, Duration.ZERO, WorkPermits.unbounded(), poller)) {
        monitor.start();
        awaitCondition(() -> d.stats().idlePolls() >= 5, "the first idle polls");
        long wakeUps = monitor.wakeUps();
        long polls = d.stats().idlePolls();
        Thread.sleep(500);
        assertThat(d.stats().idlePolls() - polls)
            .as("idle polls in 0.5 s at a 20 ms interval")
            .isGreaterThan(5);
        assertThat(monitor.wakeUps() - wakeUps).as("monitor wake-ups meanwhile").isZero();

        long txid = d.position().txid();
        SQLITE.run(db, "INSERT INTO t (v) VALUES (randomblob(100));");
        awaitCondition(() -> d.position().txid() > txid, "the poll finds the commit");
        long after = d.stats().idlePolls();
        awaitCondition(() -> d.stats().idlePolls() > after + 3, "polls resume after the sync");
      }
    }
  }

  private static void awaitCondition(BooleanSupplier ok, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
