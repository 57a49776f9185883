package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.Await;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SqliteCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code replicate} command, in-process for flag handling and as a real process for signals.
 */
class ReplicateCommandTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @Test
  void onceReplicatesTheDatabaseAndExits() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(
        db,
        "PRAGMA journal_mode=wal; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), ('three');");
    Path replica = dir.resolve("replica");

    Run r = run("replicate", "-once", db.toString(), replica.toUri().toString());

    assertThat(r.code).as(r.err).isZero();
    assertRestoresTo(replica, db);
  }

  @Test
  void aMissingDatabaseIsAWarningNamingTheSqliteFilesNextToIt() throws Exception {
    sqlite.run(dir.resolve("app.db"), "PRAGMA journal_mode=wal; CREATE TABLE t(x);");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        logging:
          stderr: true
        dbs:
          - path: %s
            replica:
              url: %s
        """
            .formatted(dir.resolve("ap.db"), dir.resolve("replica").toUri()));

    Run r = run("replicate", "-once", "-config", config.toString());

    // -once on a missing database is an error (it backed up nothing), after the warning.
    assertThat(r.code).as(r.err).isEqualTo(1);
    assertThat(r.err)
        .contains(
            "level=WARN",
            "database does not exist (yet): check the path",
            "SQLite files in " + dir + ": app.db",
            "db=" + dir.resolve("ap.db"));
  }

  @Test
  void helpHasExamplesAndTheUrlSchemesOfThisBuild() {
    Run r = run("replicate", "-h");
    assertThat(r.code).isZero();
    assertThat(r.out)
        .contains(
            "Examples:",
            "litestream4j replicate -config /etc/litestream.yml",
            "Replica URLs (backends in this build):",
            "file:///",
            "s3://bucket/path");
    assertThat(r.out).doesNotContain("\n  ftp://"); // sftp:// is a backend, plain ftp:// is not
  }

  @Test
  void anUnknownSchemeListsOnlyTheBackendsOfThisBuild() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(x);");
    Run r = run("replicate", "-once", db.toString(), "ftp://host/path");
    assertThat(r.code).isEqualTo(1);
    // cli's class path holds the file and s3 backends (plus any backend module added later).
    assertThat(r.err)
        .contains("unknown replica type 'ftp': supported are ")
        .contains(String.join(", ", io.litestream4j.replica.ReplicaClients.discover().types()));
  }

  /**
   * The issue's S3 outage: an endpoint that accepts connections and never answers (every request
   * hangs until the SDK's read timeout, ten attempts). The first SIGINT starts a graceful stop that
   * cannot finish; the second one must end the process within a bound, not minutes later.
   */
  @Test
  void aSecondSignalEndsTheProcessPromptlyWhileTheReplicaHangs() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    try (java.net.ServerSocket stalled =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor =
          Thread.ofPlatform()
              .daemon(true)
              .name("stalled-s3")
              .start(
                  () -> {
                    try {
                      while (true) {
                        held.add(stalled.accept());
                      }
                    } catch (IOException closed) {
                      // test over
                    }
                  });
      Path config = dir.resolve("litestream.yml");
      Files.writeString(
          config,
          """
          logging:
            stderr: true
          dbs:
            - path: %s
              replica:
                type: s3
                bucket: b
                path: app
                endpoint: http://127.0.0.1:%d
                region: us-east-1
                access-key-id: x
                secret-access-key: y
                lease: false
          """
              .formatted(db, stalled.getLocalPort()));
      Process p = javaProcess("replicate", "-config", config.toString());
      try {
        Await.until(
            () -> !held.isEmpty(), Duration.ofSeconds(60), "replicate to connect to the replica");
        sendSignal(p, "INT");
        Await.until(
            () ->
                Files.readString(dir.resolve("replicate.log")).contains("signal received (SIGINT)"),
            Duration.ofSeconds(30),
            "the first signal to be handled");
        long start = System.nanoTime();
        sendSignal(p, "INT");
        assertThat(p.waitFor(30, TimeUnit.SECONDS))
            .as(
                "exit after the second SIGINT; log:\n"
                    + Files.readString(dir.resolve("replicate.log")))
            .isTrue();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf(
            "replicate exited %d ms after the second SIGINT (replica hanging)%n", millis);
        assertThat(millis).isLessThan(15_000);
        assertThat(Files.readString(dir.resolve("replicate.log")))
            .contains("second signal received");
      } finally {
        p.destroyForcibly();
        for (java.net.Socket sock : held) {
          sock.close();
        }
        acceptor.interrupt();
      }
    }
  }

  private static void sendSignal(Process p, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0)
        .as("kill -" + signal)
        .isTrue();
  }

  @Test
  void configWithUnknownKeyWarnsAndReplicates() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(x); INSERT INTO t VALUES (42);");
    Path replica = dir.resolve("replica");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        logging:
          stderr: true
        dbs:
          - path: %s
            monitor-intervall: 1s
            replica:
              url: %s
        """
            .formatted(db, replica.toUri()));

    Run r = run("replicate", "--config", config.toString(), "-once");

    assertThat(r.code).as(r.err).isZero();
    assertThat(r.err).contains("monitor-intervall");
    assertRestoresTo(replica, db);
  }

  @Test
  void invalidValueNamesKeyValueAndRule() throws Exception {
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        dbs:
          - path: %s
            monitor-interval: -1s
            replica:
              url: file:///tmp/x
        """
            .formatted(dir.resolve("a.db")));

    Run r = run("replicate", "-config", config.toString());

    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).startsWith("Error: ").contains("monitor-interval").contains("-1s");
  }

  @Test
  void configAndPositionalUrlAreExclusive() {
    Run r = run("replicate", "-config", "x.yml", "a.db", "file:///tmp/r");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("cannot specify a replica URL and the -config flag");
  }

  @Test
  void forceSnapshotNeedsOnce() {
    Run r = run("replicate", "-force-snapshot", "a.db", "file:///tmp/r");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("-force-snapshot");
  }

  @Test
  void realProcessReplicatesWhileTheApplicationWritesAndShutsDownOnSigterm() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
    Path replica = dir.resolve("replica");
    Process p = javaProcess("replicate", db.toString(), replica.toUri().toString());
    try {
      for (int i = 0; i < 20; i++) {
        sqlite.run(db, "INSERT INTO t(v) VALUES ('row " + i + "');");
      }
      Await.until(
          () -> Files.isDirectory(replica.resolve("ltx/0")),
          Duration.ofSeconds(30),
          "first upload");
      p.destroy(); // SIGTERM: final sync and upload, then exit 0
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("replicate exits after SIGTERM").isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
    assertRestoresTo(replica, db);
  }

  /**
   * Two replicators of one database would share its local state directory and write different L0
   * files under the same names, breaking both replicas (seen with two in one JVM). The second is
   * refused, as is {@code reset}, while the first runs and keeps replicating; once it exits, both
   * work.
   */
  @Test
  void aSecondReplicatorOfTheSameDatabaseIsRefusedWhileTheFirstRuns() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    Process p = javaProcess("replicate", db.toString(), first.toUri().toString());
    try {
      sqlite.run(db, "INSERT INTO t(v) VALUES ('before');");
      Await.until(
          () -> Files.isDirectory(first.resolve("ltx/0")), Duration.ofSeconds(30), "first upload");

      Run refused = run("replicate", "-once", db.toString(), second.toUri().toString());
      assertThat(refused.code).as(refused.err).isEqualTo(1);
      assertThat(refused.err)
          .contains("is already being replicated by another process (" + p.pid() + "@")
          .contains("Run one replicator per database");
      Run reset = run("reset", db.toString());
      assertThat(reset.code).isEqualTo(1);
      assertThat(reset.err).contains("a replicator is running on " + db);

      sqlite.run(db, "INSERT INTO t(v) VALUES ('after');");
      p.destroy();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("replicate exits after SIGTERM").isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
    assertRestoresTo(first, db);
    Run now = run("replicate", "-once", db.toString(), second.toUri().toString());
    assertThat(now.code).as(now.err).isZero();
    assertRestoresTo(second, db);
  }

  /**
   * Replication that can no longer go on — here another replicator took the replica's lease — stops
   * the {@code -exec} application too and exits 1 naming the cause, so that a supervisor restarts
   * them; it used to wait for the application forever, with replication stopped.
   */
  @Test
  void replicationThatStopsForGoodStopsTheExecApplicationAndNamesTheCause() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
    Path replica = dir.resolve("replica");
    Process p =
        javaProcess("replicate", "-exec", "sleep 600", db.toString(), replica.toUri().toString());
    Path lock = replica.resolve("lock.json");
    try {
      sqlite.run(db, "INSERT INTO t(v) VALUES ('before');");
      Await.until(
          () -> Files.readString(dir.resolve("replicate.log")).contains("started; 1 database(s)"),
          Duration.ofSeconds(30),
          "replication and the application started");
      // Another replicator (this test's process) puts its own locked lock file in the old one's
      // place (a new inode: created before the old one is gone).
      Path theirs = replica.resolve("lock.json.intruder");
      try (io.litestream4j.internal.ProcessFileLock intruder =
          io.litestream4j.internal.ProcessFileLock.tryAcquire(theirs).lock().orElseThrow()) {
        intruder // through its own descriptor: closing another would release the lock
            .channel()
            .write(
                java.nio.ByteBuffer.wrap(
                    "{\"owner\":\"intruder:7\",\"acquired\":\"now\"}\n"
                        .getBytes(StandardCharsets.UTF_8)));
        Files.move(theirs, lock, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        sqlite.run(db, "INSERT INTO t(v) VALUES ('after');");
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        assertThat(exited)
            .as(
                "replicate exits after losing its lease, -exec application included; log:%n%s",
                Files.readString(dir.resolve("replicate.log")))
            .isTrue();
      }
      String log = Files.readString(dir.resolve("replicate.log"));
      assertThat(p.exitValue()).as(log).isEqualTo(1);
      assertThat(log)
          .contains("stopping the -exec application (SIGTERM)")
          .contains("replication stopped: ")
          .contains("intruder:7")
          .doesNotContain("unknown failure");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void execRunsTheApplicationAndStopsWhenItExits() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(v);");
    Path replica = dir.resolve("replica");
    String app =
        "sh -c 'for i in 1 2 3 4 5; do sqlite3 " + db + " \"INSERT INTO t VALUES ($i)\"; done'";
    Process p = javaProcess("replicate", "-exec", app, db.toString(), replica.toUri().toString());
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("replicate exits with its child").isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
    assertRestoresTo(replica, db);
    assertThat(DbCompare.dump(db)).anyMatch(l -> l.contains("5"));
  }

  /**
   * The container case: {@code replicate -exec APP} is stopped with SIGTERM. The signal must reach
   * the application itself (not a shell around it), which then finishes cleanly (here: it writes
   * one last row), and that row is on the replica when replicate exits, with no application left
   * running.
   */
  @Test
  void sigtermReachesTheExecApplicationWhoseLastWriteIsReplicated() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('up');");
    Path replica = dir.resolve("replica");
    Path started = dir.resolve("app-started");
    Path finished = dir.resolve("app-finished");
    // The application is the shell started by -exec: its TERM trap is its clean shutdown.
    String onSigterm =
        "sqlite3 "
            + db
            + " \\\"INSERT INTO t VALUES (20261207)\\\"; touch "
            + finished
            + "; exit 0";
    String app =
        "sh -c 'trap \""
            + onSigterm
            + "\" TERM; touch "
            + started
            + "; while true; do sleep 0.05; done'";
    Process p = javaProcess("replicate", "-exec", app, db.toString(), replica.toUri().toString());
    try {
      Await.until(() -> Files.exists(started), Duration.ofSeconds(60), "the application started");
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("replicate exits after SIGTERM").isTrue();
      assertThat(p.exitValue())
          .as("exit code; log: %s", Files.readString(dir.resolve("replicate.log")))
          .isZero();
    } finally {
      p.destroyForcibly();
    }
    assertThat(finished).as("the application ran its SIGTERM handler").exists();
    assertThat(DbCompare.dump(db)).anyMatch(l -> l.contains("20261207"));
    assertRestoresTo(replica, db);
  }

  /**
   * An application that ignores SIGTERM: the first signal waits for it (as Litestream does), a
   * second one makes replicate exit within its grace, and the application does not outlive it.
   */
  @Test
  void aSecondSignalDoesNotLeaveAnApplicationThatIgnoresSigtermRunning() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(v TEXT);");
    Path pidFile = dir.resolve("app.pid");
    String app =
        "sh -c 'trap \"\" TERM; echo $$ > " + pidFile + "; while true; do sleep 0.05; done'";
    Path log = dir.resolve("replicate.log");
    Process p =
        javaProcess("replicate", "-exec", app, db.toString(), dir.resolve("r").toUri().toString());
    long appPid;
    try {
      Await.until(
          () -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank(),
          Duration.ofSeconds(60),
          "the application started");
      appPid = Long.parseLong(Files.readString(pidFile).trim());
      p.destroy(); // SIGTERM: ignored by the application, replicate waits for it
      Await.until(
          () -> Files.readString(log).contains("signal received"),
          Duration.ofSeconds(30),
          "the first signal handled");
      assertThat(p.isAlive()).as("waiting for the application").isTrue();
      p.destroy(); // the second SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("replicate exits").isTrue();
    } finally {
      p.destroyForcibly();
    }
    Await.until(
        () -> ProcessHandle.of(appPid).map(h -> !h.isAlive()).orElse(true),
        Duration.ofSeconds(10),
        "the application is gone");
    assertThat(Files.readString(log)).contains("did not exit", "killed it");
  }

  @Test
  void anExecCommandThatNeedsAShellIsRefusedBeforeAnythingStarts() {
    Run r = run("replicate", "-exec", "app && other", "a.db", "file:///tmp/r");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("-exec runs its program directly").contains("sh -c");
  }

  // ---------------------------------------------------------------------------------------------

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldErr = System.err;
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    System.setErr(errStream);
    try {
      var cli = Main.newCommandLine();
      cli.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
      cli.setErr(new java.io.PrintWriter(errStream, true));
      int code = cli.execute(Flags.normalize(args));
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(oldErr);
    }
  }

  private Process javaProcess(String... args) throws IOException {
    return CliProcess.start(dir.resolve("replicate.log"), args);
  }

  static void assertRestoresTo(Path replica, Path source) throws Exception {
    L0Restore.assertReplicaEquals(replica, source);
  }
}
