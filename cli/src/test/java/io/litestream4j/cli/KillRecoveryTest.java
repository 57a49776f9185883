package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SequenceWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real replicator process at random moments while an application keeps
 * committing. After every kill and restart the replica must still hold every file it had
 * acknowledged, unchanged; it must stay one continuous, checksum-verified chain; and restoring any
 * acknowledged TXID must give a consistent prefix of the application's history.
 *
 * <p>The iteration count is 6 here (quick subset of {@code -Pfaults}, which sets {@code
 * litestream4j.kill.iterations}).
 */
class KillRecoveryTest {
  @TempDir Path dir;

  @Test
  void killNineAtRandomMomentsLosesNothingTheReplicaAcknowledged() throws Exception {
    int iterations = Integer.getInteger("litestream4j.kill.iterations", 6);
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        dbs:
          - path: %s
            monitor-interval: 50ms
            min-checkpoint-page-count: 200
            replica:
              url: %s
              sync-interval: 0s
        """
            .formatted(db, replica.toUri()));
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      SequenceWriter writer = SequenceWriter.start(app, 5, 20000, Duration.ofMillis(2));

      Random rnd = new Random(7);
      Map<String, Long> acknowledged = new HashMap<>();
      for (int i = 0; i < iterations; i++) {
        Process p = replicate(config, "kill-" + i);
        try {
          long floor = maxTxid(replica);
          Await.until(
              () -> maxTxid(replica) > floor, Duration.ofSeconds(30), "uploads after restart " + i);
          Thread.sleep(rnd.nextInt(400));
        } finally {
          p.destroyForcibly(); // SIGKILL
          p.waitFor(30, TimeUnit.SECONDS);
        }
        Map<String, Long> now = fileSizes(replica);
        for (var e : acknowledged.entrySet()) {
          assertThat(now)
              .as("file acknowledged before kill %d", i)
              .containsEntry(e.getKey(), e.getValue());
        }
        acknowledged.putAll(now);
        killedAt.add(maxTxid(replica));
      }
      writer.stop();

      // A final clean run catches up with everything committed.
      Process last = replicate(config, "final");
      Await.until(
          () -> restoredMaxSeq(replica) == writer.committed(),
          Duration.ofSeconds(60),
          "final catch-up");
      last.destroy();
      assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    L0Restore.assertReplicaEquals(replica, db);
    System.out.printf(
        "fault-suite: scenario=kill-9-replicator iterations=%d failures=0 data-lost=0%n",
        iterations);
    // Every TXID the replica held at a kill restores to a gap-free prefix of the history.
    assertThat(killedAt).hasSize(iterations);
    for (long txid : new java.util.TreeSet<>(killedAt)) {
      Path out = dir.resolve("at-" + txid + ".db");
      L0Restore.restore(replica.resolve("ltx/0"), txid, out);
      DbCompare.assertIntegrity(out);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*), coalesce(max(n), 0) FROM seq")) {
        rs.next();
        assertThat(rs.getLong(1)).as("rows at TXID %d form 1..max", txid).isEqualTo(rs.getLong(2));
      }
    }
  }

  private final List<Long> killedAt = new ArrayList<>();

  private Process replicate(Path config, String name) throws Exception {
    return CliProcess.start(
        dir.resolve("replicate-" + name + ".log"), "replicate", "-config", config.toString());
  }

  private static Map<String, Long> fileSizes(Path replica) throws Exception {
    Map<String, Long> out = new HashMap<>();
    Path l0 = replica.resolve("ltx/0");
    if (Files.isDirectory(l0)) {
      try (Stream<Path> s = Files.list(l0)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".ltx")).toList()) {
          out.put(p.getFileName().toString(), Files.size(p));
        }
      }
    }
    return out;
  }

  private static long maxTxid(Path replica) throws Exception {
    return fileSizes(replica).keySet().stream()
        .map(LtxFileName::parse)
        .flatMap(java.util.Optional::stream)
        .mapToLong(LtxFileName::maxTxid)
        .max()
        .orElse(0);
  }

  private long restoredMaxSeq(Path replica) throws Exception {
    if (maxTxid(replica) == 0) {
      return -1;
    }
    Path out = dir.resolve("probe-" + System.nanoTime() + ".db");
    try {
      L0Restore.restore(replica.resolve("ltx/0"), maxTxid(replica), out);
    } catch (AssertionError | java.io.IOException e) {
      return -1; // an upload in progress
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + out);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(n), 0) FROM seq")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
