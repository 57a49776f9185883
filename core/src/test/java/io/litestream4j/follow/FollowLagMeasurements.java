package io.litestream4j.follow;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.FollowOptions;
import io.litestream4j.Follower;
import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.Bank;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commit-to-follower lag: the source commits ~100 transfers/s and replicates with {@code
 * sync-interval: 100ms} to a file replica; a follower polls every 100 ms. For every commit, lag =
 * the moment a reader of the follower's database first sees it minus the moment the source
 * committed it. Run with {@code -Pslow -Dtest=FollowLagMeasurements}; {@code -Dmeasure.seconds=N}.
 */
@Tag("slow")
class FollowLagMeasurements {
  @TempDir Path dir;

  @Test
  void followerLagAtHundredMillisecondIntervals() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path out = dir.resolve("follower.db");
    ReplicationOptions opts =
        ReplicationOptions.of(db, replica.toUri().toString())
            .withSyncInterval(Duration.ofMillis(100));
    List<Double> lags = Collections.synchronizedList(new ArrayList<>());
    long[] seen = {0};
    Connection[] reader = {null};
    try (Bank bank = new Bank(db, 1);
        FileReplicaClient client = new FileReplicaClient(replica);
        Replication replication = Replication.start(opts)) {
      bank.transfer();
      replication.syncAndAwait(Duration.ofSeconds(30));
      FollowOptions fo =
          FollowOptions.of(out)
              .withInterval(Duration.ofMillis(100))
              .withListener(
                  e -> {
                    try {
                      long now = System.nanoTime();
                      if (reader[0] == null) {
                        reader[0] =
                            DriverManager.getConnection("jdbc:sqlite:file:" + out + "?mode=ro");
                      }
                      try (Statement st = reader[0].createStatement();
                          ResultSet r = st.executeQuery("SELECT max(seq) FROM ledger")) {
                        r.next();
                        long max = r.getLong(1);
                        for (long s = seen[0] + 1; s <= max; s++) {
                          Long at = bank.committedAt(s);
                          if (at != null) {
                            lags.add((now - at) / 1e6);
                          }
                        }
                        seen[0] = Math.max(seen[0], max);
                      }
                    } catch (Exception ex) {
                      throw new IllegalStateException(ex);
                    }
                  });
      long warm = bank.lastSeq();
      try (Follower follower = Follower.start(client, "test replica", fo)) {
        long end =
            System.nanoTime() + Duration.ofSeconds(Long.getLong("measure.seconds", 30)).toNanos();
        long next = System.nanoTime();
        while (System.nanoTime() < end) {
          bank.transfer();
          next += 10_000_000L;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
          }
        }
        long last = replication.syncAndAwait(Duration.ofSeconds(30));
        assertThat(follower.awaitTxid(last, Duration.ofSeconds(30))).isTrue();
      } finally {
        if (reader[0] != null) {
          reader[0].close();
        }
      }
      List<Double> sorted = new ArrayList<>(lags);
      Collections.sort(sorted);
      double p50 = sorted.get(sorted.size() / 2);
      double p99 =
          sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1));
      System.out.printf(
          "follow-lag: commits=%d (after %d warm-up) p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
          sorted.size(), warm, p50, p99, sorted.getLast());
      assertThat(sorted.size()).isGreaterThan(100);
    }
  }
}
