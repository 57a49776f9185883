package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.Await;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that cannot be reached while the daemon starts (a mount not there yet, an object store
 * still down at boot) must not stop the daemon, the other databases or the application run by
 * {@code -exec}; its database starts replicating once the replica is back, and loses nothing.
 */
class ReplicaDownAtStartTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @Test
  void theOtherDatabasesAndTheApplicationRunAndTheReplicaIsRetriedUntilItIsBack() throws Exception {
    Path good = dir.resolve("good.db");
    Path late = dir.resolve("late.db");
    for (Path db : new Path[] {good, late}) {
      sqlite.run(
          db, "PRAGMA journal_mode=wal; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('a');");
    }
    Path goodReplica = dir.resolve("good-replica");
    // The late replica's parent is a regular file: its directory cannot be created until that file
    // is gone (a replica that is not mounted yet).
    Path blocker = dir.resolve("not-mounted");
    Files.writeString(blocker, "not a directory");
    Path lateReplica = blocker.resolve("replica");
    Path started = dir.resolve("app-started");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        exec: sh -c 'trap "exit 0" TERM; touch %s; while true; do sleep 0.05; done'
        dbs:
          - path: %s
            replica:
              url: %s
          - path: %s
            replica:
              url: %s
        """
            .formatted(started, good, goodReplica.toUri(), late, lateReplica.toUri()));
    Path log = dir.resolve("replicate.log");
    Process p = CliProcess.start(log, "replicate", "-config", config.toString());
    try {
      Await.until(() -> Files.exists(started), Duration.ofSeconds(60), "the application started");
      Await.until(
          () -> Files.isDirectory(goodReplica.resolve("ltx/0")),
          Duration.ofSeconds(60),
          "the good database's first upload");
      assertThat(Files.readString(log))
          .contains("cannot start replicating", "1 database(s), 1 more retried in the background");
      assertThat(p.isAlive()).as("replicate runs; log: %s", Files.readString(log)).isTrue();
      sqlite.run(good, "INSERT INTO t VALUES ('b');");
      sqlite.run(late, "INSERT INTO t VALUES ('b');");

      Files.delete(blocker); // the replica is back
      Await.until(
          () -> Files.isDirectory(lateReplica.resolve("ltx/0")),
          Duration.ofSeconds(60),
          "the late database's first upload after a retry");
      sqlite.run(late, "INSERT INTO t VALUES ('c');");

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("replicate exits after SIGTERM").isTrue();
      assertThat(p.exitValue()).as("exit code; log: %s", Files.readString(log)).isZero();
    } finally {
      p.destroyForcibly();
    }
    ReplicateCommandTest.assertRestoresTo(goodReplica, good);
    ReplicateCommandTest.assertRestoresTo(lateReplica, late);
  }

  /**
   * An object store that accepts connections and never answers (a hung load balancer) made a start
   * wait out every retry of every request before the daemon went on: the application started 15–40
   * s late. The daemon waits {@link ReplicateCommand#FIRST_START_WAIT} for first starts, then
   * starts the application, the slow start going on in the background; a signal still ends it all.
   */
  @Test
  void aReplicaThatNeverAnswersDoesNotHoldTheApplicationBack() throws Exception {
    Path good = dir.resolve("good.db");
    Path slow = dir.resolve("slow.db");
    for (Path db : new Path[] {good, slow}) {
      sqlite.run(
          db, "PRAGMA journal_mode=wal; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('a');");
    }
    Path goodReplica = dir.resolve("good-replica");
    Path started = dir.resolve("app-started");
    java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    held.add(silent.accept()); // accepted, never answered
                  } catch (java.io.IOException closed) {
                    return;
                  }
                }
              });
      Path config = dir.resolve("litestream.yml");
      Files.writeString(
          config,
          """
          access-key-id: test
          secret-access-key: test
          exec: sh -c 'trap "exit 0" TERM; touch %s; while true; do sleep 0.05; done'
          dbs:
            - path: %s
              replica:
                url: %s
            - path: %s
              replica:
                url: s3://bucket/slow
                endpoint: http://127.0.0.1:%d
                region: us-east-1
                force-path-style: true
          """
              .formatted(started, good, goodReplica.toUri(), slow, silent.getLocalPort()));
      Path log = dir.resolve("slow.log");
      long launched = System.nanoTime();
      Process p = CliProcess.start(log, "replicate", "-config", config.toString());
      try {
        Await.until(() -> Files.exists(started), Duration.ofSeconds(60), "the application started");
        assertThat(Duration.ofNanos(System.nanoTime() - launched))
            .as("launch to application start; log: %s", Files.readString(log))
            .isLessThan(ReplicateCommand.FIRST_START_WAIT.plusSeconds(10));
        assertThat(Files.readString(log)).contains("1 database(s) still starting after");
        Await.until(
            () -> Files.isDirectory(goodReplica.resolve("ltx/0")),
            Duration.ofSeconds(60),
            "the good database's first upload");

        p.destroy(); // SIGTERM, the slow start still hanging
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("replicate exits after SIGTERM").isTrue();
      } finally {
        p.destroyForcibly();
        for (java.net.Socket s : held) {
          s.close();
        }
      }
    }
    ReplicateCommandTest.assertRestoresTo(goodReplica, good);
  }
}
