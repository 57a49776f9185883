package io.litestream4j.follow;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.FollowEvent;
import io.litestream4j.FollowOptions;
import io.litestream4j.Follower;
import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.Bank;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower under load, read by another process: the source runs transfers between accounts (the
 * total never changes) while replication, compaction (1 s / 3 s levels), snapshots and L0 retention
 * run on it; the follower applies every TXID; a {@code sqlite3} process reads the follower's
 * database in a loop and must always see the total intact and {@code quick_check} ok. Midway the
 * follower is closed and started again on its own output (resume without re-restoring). At the end
 * the follower holds exactly the source's content.
 */
class FollowerTest {
  @TempDir Path dir;

  static final StoreOptions BUSY_STORE =
      StoreOptions.DEFAULTS
          .withLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(3)))
          .withSnapshots(Duration.ofSeconds(4), Duration.ofSeconds(8))
          .withL0Retention(Duration.ofSeconds(1), Duration.ofMillis(500))
          .withRetentionGrace(Duration.ofSeconds(1));

  @Test
  void readersInAnotherProcessNeverSeeATornStateAndTheFollowerConverges() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path out = dir.resolve("follower.db");
    ReplicationOptions opts =
        ReplicationOptions.of(db, replica.toUri().toString())
            .withSyncInterval(Duration.ofMillis(100))
            .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(100)))
            .withStore(BUSY_STORE);
    List<FollowEvent> events = new CopyOnWriteArrayList<>();
    try (Bank bank = new Bank(db, 7);
        FileReplicaClient client = new FileReplicaClient(replica);
        Replication replication = Replication.start(opts)) {
      bank.transfer();
      replication.syncAndAwait(Duration.ofSeconds(30));
      FollowOptions fo =
          FollowOptions.of(out).withInterval(Duration.ofMillis(100)).withListener(events::add);
      Follower follower = Follower.start(client, "test replica", fo);
      AtomicBoolean stop = new AtomicBoolean();
      List<String> problems = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger reads = new AtomicInteger();
      Thread reader =
          Thread.ofPlatform()
              .name("sqlite3-reader")
              .start(
                  () -> {
                    StringBuilder script = new StringBuilder();
                    for (int i = 0; i < 100; i++) {
                      script.append(
                          "SELECT 'sum', sum(balance), count(*) FROM accounts;\nPRAGMA quick_check;\n");
                    }
                    while (!stop.get()) {
                      String output;
                      try {
                        output =
                            SqliteCli.create()
                                .run(
                                    List.of("-readonly", "-cmd", ".timeout 20000", out.toString()),
                                    script.toString());
                      } catch (AssertionError e) {
                        problems.add("sqlite3 failed: " + e.getMessage());
                        return;
                      }
                      for (String line : output.split("\n")) {
                        if (line.startsWith("sum|")) {
                          reads.incrementAndGet();
                          if (!line.equals("sum|" + Bank.TOTAL + "|" + Bank.ACCOUNTS)) {
                            problems.add("torn read: " + line);
                          }
                        } else if (!line.equals("ok")) {
                          problems.add("quick_check: " + line);
                        }
                      }
                    }
                  });
      try {
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        boolean restarted = false;
        while (System.nanoTime() < until && problems.isEmpty()) {
          bank.transfer();
          Thread.sleep(2);
          if (!restarted && System.nanoTime() > until - Duration.ofSeconds(3).toNanos()) {
            follower.close();
            long before = follower.txid();
            assertThat(follower.failure()).isEmpty();
            follower = Follower.start(client, "test replica", fo);
            assertThat(follower.txid()).as("resumed where it stopped").isEqualTo(before);
            restarted = true;
          }
        }
        long last = replication.syncAndAwait(Duration.ofSeconds(30));
        assertThat(follower.awaitTxid(last, Duration.ofSeconds(60)))
            .as("follower reaches TXID " + last)
            .isTrue();
      } finally {
        stop.set(true);
        reader.join();
        follower.close();
      }
      assertThat(problems).isEmpty();
      assertThat(follower.failure()).isEmpty();
      assertThat(reads.get()).as("reads done by the sqlite3 process").isGreaterThan(200);
      assertThat(
              events.stream().map(FollowEvent::source).filter(s -> !s.startsWith("L0/")).toList())
          .as("files other than L0 applied (compacted files / snapshots)")
          .isNotNull();
      System.out.printf(
          "follow: %d reads by sqlite3, %d applies (%d not from L0), last TXID %d%n",
          reads.get(),
          events.size(),
          events.stream().filter(e -> !e.source().startsWith("L0/")).count(),
          events.getLast().txid());
      DbCompare.assertSameContent(db, out);
      DbCompare.assertIntegrity(out);
      assertThat(Files.exists(out.resolveSibling("follower.db-journal"))).isFalse();
    }
  }

  @Test
  void aFollowerStoppedWhileRetentionRemovedItsNextFilesCatchesUpFromCompactedFiles()
      throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path out = dir.resolve("follower.db");
    ReplicationOptions opts =
        ReplicationOptions.of(db, replica.toUri().toString())
            .withSyncInterval(Duration.ofMillis(50))
            .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50)))
            .withStore(BUSY_STORE);
    List<FollowEvent> events = new CopyOnWriteArrayList<>();
    try (Bank bank = new Bank(db, 11);
        FileReplicaClient client = new FileReplicaClient(replica);
        Replication replication = Replication.start(opts)) {
      bank.transfer();
      replication.syncAndAwait(Duration.ofSeconds(30));
      FollowOptions fo =
          FollowOptions.of(out).withInterval(Duration.ofMillis(100)).withListener(events::add);
      long stoppedAt;
      try (Follower follower = Follower.start(client, "test replica", fo)) {
        for (int i = 0; i < 20; i++) {
          bank.transfer();
          replication.syncAndAwait(Duration.ofSeconds(30));
        }
        assertThat(follower.awaitTxid(replication.replicatedTxid(), Duration.ofSeconds(30)))
            .isTrue();
        stoppedAt = follower.txid();
      }
      // Keep writing until retention has removed the level-0 file the follower needs next.
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (true) {
        bank.transfer();
        Thread.sleep(20);
        var l0 = client.ltxFiles(0, stoppedAt + 1);
        if (!l0.isEmpty() && l0.getFirst().minTxid() > stoppedAt + 1) {
          break;
        }
        assertThat(System.nanoTime())
            .as("retention removes L0 files within 90 s")
            .isLessThan(deadline);
      }
      long last = replication.syncAndAwait(Duration.ofSeconds(30));
      events.clear();
      try (Follower follower = Follower.start(client, "test replica", fo)) {
        assertThat(follower.txid()).isEqualTo(stoppedAt);
        assertThat(follower.awaitTxid(last, Duration.ofSeconds(60))).isTrue();
      }
      assertThat(events.getFirst().source())
          .as("the first file after the restart")
          .doesNotStartWith("L0/");
      System.out.printf(
          "follow: resumed at TXID %d after retention; first applied %s%n",
          stoppedAt, events.getFirst().source());
      DbCompare.assertSameContent(db, out);
      DbCompare.assertIntegrity(out);
    }
  }

  @Test
  void aSourceThatShrinksIsFollowedExactly() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path out = dir.resolve("follower.db");
    ReplicationOptions opts =
        ReplicationOptions.of(db, replica.toUri().toString()).withSyncInterval(Duration.ZERO);
    try (Bank bank = new Bank(db, 13);
        FileReplicaClient client = new FileReplicaClient(replica);
        Replication replication = Replication.start(opts);
        Statement st = bank.connection().createStatement()) {
      for (int i = 0; i < 300; i++) {
        bank.transfer();
      }
      replication.syncAndAwait(Duration.ofSeconds(30));
      try (Follower follower =
          Follower.start(
              client, "test replica", FollowOptions.of(out).withInterval(Duration.ofMillis(50)))) {
        long sizeBefore = Files.size(out);
        st.execute("DELETE FROM ledger WHERE seq % 4 != 0");
        long txid = replication.syncAndAwait(Duration.ofSeconds(30));
        assertThat(follower.awaitTxid(txid, Duration.ofSeconds(30))).isTrue();
        st.execute("VACUUM");
        txid = replication.syncAndAwait(Duration.ofSeconds(30));
        assertThat(follower.awaitTxid(txid, Duration.ofSeconds(30))).isTrue();
        assertThat(Files.size(out))
            .as("the follower shrank with the source")
            .isLessThan(sizeBefore);
      }
      DbCompare.assertSameContent(db, out);
      DbCompare.assertIntegrity(out);
    }
  }
}
