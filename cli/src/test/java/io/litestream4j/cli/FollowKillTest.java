package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.ltx.Txid;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.Bank;
import io.litestream4j.testing.DbCompare;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore -f} as a real process, killed with SIGKILL at random moments while the source
 * keeps running transfers (with compaction and L0 retention) and a reader in this JVM checks the
 * follower's database continuously: every restart resumes from the position the killed process left
 * (rolling back an interrupted apply), no read ever sees a broken total or a failed {@code
 * quick_check}, and the last follower, stopped with SIGTERM (exit 0), holds exactly the source's
 * content.
 */
class FollowKillTest {
  @TempDir Path dir;

  @Test
  void killedFollowersResumeAndReadersNeverSeeATornState() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path out = dir.resolve("follower.db");
    StoreOptions store =
        StoreOptions.DEFAULTS
            .withLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(3)))
            .withSnapshots(Duration.ofSeconds(4), Duration.ofSeconds(8))
            .withL0Retention(Duration.ofSeconds(1), Duration.ofMillis(500))
            .withRetentionGrace(Duration.ofSeconds(1));
    ReplicationOptions opts =
        ReplicationOptions.of(db, replica.toUri().toString())
            .withSyncInterval(Duration.ofMillis(50))
            .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50)))
            .withStore(store);
    Random rnd = new Random(19);
    int iterations = Integer.getInteger("follow.kills", 6);
    int hotJournals = 0;
    AtomicBoolean stop = new AtomicBoolean();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger reads = new AtomicInteger();
    try (Bank bank = new Bank(db, 3);
        Replication replication = Replication.start(opts)) {
      bank.transfer();
      replication.syncAndAwait(Duration.ofSeconds(30));
      Thread writer =
          Thread.ofPlatform()
              .name("bank-writer")
              .start(
                  () -> {
                    try {
                      while (!stop.get()) {
                        bank.transfer();
                        Thread.sleep(3);
                      }
                    } catch (Exception e) {
                      problems.add("writer: " + e);
                    }
                  });
      Thread reader =
          Thread.ofPlatform()
              .name("follower-reader")
              .start(() -> readLoop(out, stop, problems, reads));
      try {
        long last = 0;
        for (int i = 0; i < iterations; i++) {
          Process p = follow(out, replica, "run-" + i);
          long from = last;
          Await.until(
              () -> sidecarTxid(out) > from,
              Duration.ofSeconds(60),
              "follower run " + i + " applies");
          Thread.sleep(rnd.nextInt(600));
          p.destroyForcibly();
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
          if (Files.exists(out.resolveSibling("follower.db-journal"))) {
            hotJournals++;
          }
          last = sidecarTxid(out);
        }
        stop.set(true);
        writer.join();
        long target = replication.syncAndAwait(Duration.ofSeconds(30));
        Process p = follow(out, replica, "final");
        Await.until(
            () -> sidecarTxid(out) == target,
            Duration.ofSeconds(60),
            "final follower reaches " + target);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit code after SIGTERM").isZero();
      } finally {
        stop.set(true);
        reader.join();
      }
      assertThat(problems).isEmpty();
      DbCompare.assertSameContent(db, out);
      DbCompare.assertIntegrity(out);
    }
    for (int i = 1; i < iterations; i++) {
      assertThat(Files.readString(dir.resolve("follow-run-" + i + ".log")))
          .as("run %d resumes", i)
          .contains("follower resuming")
          .doesNotContain("follower restored");
    }
    System.out.printf(
        "fault-suite: scenario=kill-9-follower iterations=%d hot-journals=%d reads=%d failures=0%n",
        iterations, hotJournals, reads.get());
  }

  private static void readLoop(
      Path out, AtomicBoolean stop, List<String> problems, AtomicInteger reads) {
    while (!stop.get()) {
      if (!Files.exists(out)) {
        Thread.onSpinWait();
        continue;
      }
      // A plain read-write connection that only reads: like any SQLite client it rolls back a hot
      // journal left by a killed follower before reading.
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out);
          Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout=20000");
        for (int i = 0; i < 50 && !stop.get(); i++) {
          try (ResultSet r = st.executeQuery("SELECT sum(balance), count(*) FROM accounts")) {
            r.next();
            if (r.getLong(1) != Bank.TOTAL || r.getInt(2) != Bank.ACCOUNTS) {
              problems.add("torn read: sum " + r.getLong(1) + " over " + r.getInt(2) + " accounts");
            }
          }
          try (ResultSet r = st.executeQuery("PRAGMA quick_check")) {
            r.next();
            if (!"ok".equals(r.getString(1))) {
              problems.add("quick_check: " + r.getString(1));
            }
          }
          reads.incrementAndGet();
        }
      } catch (SQLException e) {
        problems.add("reader: " + e.getMessage());
      }
    }
  }

  private static long sidecarTxid(Path out) throws Exception {
    try {
      String s =
          Files.readString(out.resolveSibling("follower.db-txid"), StandardCharsets.US_ASCII);
      return Txid.parse(s.lines().findFirst().orElseThrow());
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  private Process follow(Path out, Path replica, String name) throws Exception {
    return CliProcess.start(
        dir.resolve("follow-" + name + ".log"),
        "restore",
        "-f",
        "-follow-interval",
        "100ms",
        "-o",
        out.toString(),
        replica.toUri().toString());
  }
}
