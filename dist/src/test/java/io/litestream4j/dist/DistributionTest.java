package io.litestream4j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.Await;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The distribution archive as a user gets it: unpacked into a temporary directory, its launcher
 * symlinked onto a PATH whose {@code java} is the machine's default (Java 17 here, which cannot run
 * the jar), run from another directory. The launcher must find a JDK >= 21 itself, and replicate,
 * restore and stop on signals like Litestream.
 */
class DistributionTest {
  private static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin");

  @TempDir static Path tmp;
  static Path home;
  static Path onPath;
  static Path work;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("litestream4j.dist.archive"));
    assertThat(archive).as("the archive built by the package phase").isRegularFile();
    Path unpacked = Files.createDirectories(tmp.resolve("opt"));
    Result tar =
        run(
            List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()),
            tmp,
            Map.of(),
            60);
    assertThat(tar.rc).as("tar: " + tar.err).isZero();
    home = unpacked.resolve("litestream4j-" + System.getProperty("litestream4j.version"));
    onPath = Files.createDirectories(tmp.resolve("usr-local-bin"));
    // A symlink to the launcher, and a relative symlink to that symlink: both must resolve.
    Files.createSymbolicLink(onPath.resolve("litestream4j"), home.resolve("bin/litestream4j"));
    Files.createSymbolicLink(onPath.resolve("l4j"), Path.of("litestream4j"));
    work = Files.createDirectories(tmp.resolve("work"));
  }

  @Test
  void archiveHoldsTheDocumentedFiles() throws IOException {
    for (String f :
        List.of(
            "bin/litestream4j",
            "bin/find-jdk.sh",
            "lib/litestream4j.jar",
            "lib/litestream4j-base.jar",
            "lib/litestream4j-s3.jar",
            "etc/litestream.yml",
            "etc/litestream4j.service",
            "Dockerfile",
            "INSTALL.md",
            "LICENSE",
            "share/bash-completion/completions/litestream4j")) {
      assertThat(home.resolve(f)).as(f).isRegularFile();
    }
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/litestream4j")))
        .contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.readString(home.resolve("LICENSE")))
        .contains("Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS");
    assertThat(Files.readString(home.resolve("share/bash-completion/completions/litestream4j")))
        .contains("complete -F", "replicate", "restore", "-config");
    assertThat(Files.readString(home.resolve("etc/litestream4j.service")))
        .contains("ExecStart=", "replicate -config");
  }

  @Test
  void theBashCompletionLoadsAndCompletesCommands() throws Exception {
    Result r =
        run(
            List.of(
                "bash",
                "-c",
                "source \"$1\" && COMP_WORDS=(litestream4j rep) COMP_CWORD=1 "
                    + "&& _picocli_litestream4j && echo \"${COMPREPLY[@]}\"",
                "bash",
                home.resolve("share/bash-completion/completions/litestream4j").toString()),
            work,
            env(),
            60);
    assertThat(r.rc).as(r.err).isZero();
    assertThat(r.out.trim()).isEqualTo("replicate");
  }

  @Test
  void versionReplicateOnceAndRestoreThroughASymlinkWithTheDefaultJavaOnThePath() throws Exception {
    if (Files.isExecutable(JAVA_17.resolve("java"))) {
      Result java = run(List.of("java", "-version"), work, env(), 60);
      assertThat(java.err).as("the PATH's java is the old default one").contains("version \"17");
    }
    Result version = l4j(List.of("version", "-verbose"));
    assertThat(version.rc).as(version.err).isZero();
    assertThat(version.out)
        .startsWith("Version: v" + System.getProperty("litestream4j.version"))
        .containsPattern("Git Commit: ([0-9a-f]{40}( \\(dirty\\))?|unknown)\n");

    Path db = work.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)");
      for (int i = 0; i < 50; i++) {
        st.execute("INSERT INTO orders (item) VALUES ('item " + i + "')");
      }
    }
    String replica = work.resolve("replica").toUri().toString();
    Result once =
        l4j(List.of("replicate", "-once", "app.db", replica)); // relative to the working directory
    assertThat(once.rc).as(once.out + once.err).isZero();

    Result restore = l4j(List.of("restore", "-o", "restored.db", replica));
    assertThat(restore.rc).as(restore.out + restore.err).isZero();
    DbCompare.assertSameContent(db, work.resolve("restored.db"));
    DbCompare.assertIntegrity(work.resolve("restored.db"));
  }

  /**
   * The base jar has the file backend only: run directly for another scheme, the error names the
   * module that is missing (the launcher runs the full jar for such a command).
   */
  @Test
  void theBaseJarNamesTheMissingBackend() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Result r =
        run(
            List.of(
                java.toString(),
                "-cp",
                home.resolve("lib/litestream4j-base.jar").toString(),
                "io.litestream4j.cli.Main",
                "restore",
                "-o",
                "gs.db",
                "gs://bucket/db"),
            work,
            Map.of(),
            60);
    assertThat(r.rc).isEqualTo(1);
    assertThat(r.err)
        .contains(
            "unsupported replica URL scheme 'gs' in 'gs://bucket/db': supported are file; the gs"
                + " backend is in litestream4j-gs, which is not on the class path");
  }

  @Test
  void theExampleConfigurationLoadsWithoutWarnings() throws Exception {
    Result r = l4j(List.of("databases", "-config", home.resolve("etc/litestream.yml").toString()));
    assertThat(r.rc).as(r.err).isZero();
    assertThat(r.err).doesNotContainIgnoringCase("warning");
    assertThat(r.out).contains("/var/lib/app/app.db");
  }

  /**
   * {@code cmd &} in a non-interactive shell starts the job with SIGINT ignored; the launcher must
   * undo that, and the replicator must stop cleanly and promptly on either signal. Its JSON log
   * lines (logging.type: json) must all parse and carry time, level and msg.
   */
  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aBackgroundReplicateStopsCleanlyOnASignal(String signal) throws Exception {
    Path dir = Files.createDirectories(work.resolve("bg-" + signal));
    Path db = dir.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t (v TEXT)");
      st.execute("INSERT INTO t VALUES ('before the signal')");
    }
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        logging:
          type: json
        dbs:
          - path: %s
            replica:
              url: %s
        """
            .formatted(db, dir.resolve("replica").toUri()));
    Path log = dir.resolve("replicate.log");
    Path pidFile = dir.resolve("pid");
    Path rcFile = dir.resolve("rc");
    // The non-interactive shell of a script: the replicator is its background job.
    ProcessBuilder script =
        new ProcessBuilder(
                "bash",
                "-c",
                "l4j replicate -config \"$1\" >\"$2\" 2>&1 & echo $! >\"$3\"; wait $!; echo $? >\"$4\"",
                "bash",
                config.toString(),
                log.toString(),
                pidFile.toString(),
                rcFile.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("shell.out").toFile());
    Map<String, String> e = env();
    script.environment().clear();
    script.environment().putAll(e);
    Process shell = script.start();
    try {
      Await.until(
          () -> Files.exists(log) && Files.readString(log).contains(" started"),
          Duration.ofSeconds(120),
          "replicate to start; log: " + (Files.exists(log) ? Files.readString(log) : "(none)"));
      String pid = Files.readString(pidFile).trim();
      String ignored =
          Files.readString(Path.of("/proc/" + pid + "/status"))
              .lines()
              .filter(l -> l.startsWith("SigIgn:"))
              .findFirst()
              .orElse("");
      long start = System.nanoTime();
      Result kill = run(List.of("kill", "-" + signal, pid), dir, e, 30);
      assertThat(kill.rc).as(kill.err).isZero();
      assertThat(shell.waitFor(60, TimeUnit.SECONDS))
          .as("replicate exited after SIG%s (%s)", signal, ignored)
          .isTrue();
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("dist: background replicate exited %d ms after SIG%s%n", millis, signal);
      assertThat(Files.readString(rcFile).trim())
          .as("exit code; log:\n" + Files.readString(log))
          .isEqualTo("0");
      assertThat(millis).as("exit within 30 s of the signal").isLessThan(30_000);
    } finally {
      shell.destroyForcibly();
      if (Files.exists(pidFile)
          && !Files.exists(rcFile)) { // a failed run leaves no replicator behind
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines).isNotEmpty();
    List<String> msgs = new ArrayList<>();
    for (String line : lines) {
      Map<String, Object> o = Json.object(line);
      assertThat(o).as(line).containsKeys("time", "level", "msg");
      assertThat((String) o.get("level")).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
      msgs.add((String) o.get("msg"));
    }
    assertThat(msgs).anyMatch(m -> m.contains("signal received (SIG" + signal + ")"));
    assertThat(msgs.getLast()).startsWith("litestream4j shut down");
    assertThat(lines)
        .anyMatch(
            l -> l.contains("\"msg\":\"replicating\"") && l.contains("\"db\":\"" + db + "\""));
  }

  // ---------------------------------------------------------------------------------------------

  /** The user's environment: the symlinks first, then Java 17 (when installed), no JAVA_HOME. */
  static Map<String, String> env() {
    return userEnv(onPath, tmp.resolve("home"));
  }

  /** A fresh user's environment: {@code bin} first on the PATH, then the machine's default Java. */
  static Map<String, String> userEnv(Path bin, Path home) {
    Map<String, String> e = new HashMap<>(System.getenv());
    e.remove("JAVA_HOME");
    e.remove("LITESTREAM_CONFIG");
    e.remove("LOG_LEVEL");
    e.remove("LITESTREAM4J_REBUILD");
    e.put("HOME", home.toString());
    e.put("PATH", bin + ":" + (Files.isDirectory(JAVA_17) ? JAVA_17 + ":" : "") + "/usr/bin:/bin");
    return e;
  }

  Result l4j(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("l4j"));
    cmd.addAll(args);
    return run(cmd, work, env(), 180);
  }

  record Result(int rc, String out, String err) {}

  static Result run(List<String> cmd, Path dir, Map<String, String> env, int timeoutSeconds)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    if (!env.isEmpty()) {
      pb.environment().clear();
      pb.environment().putAll(env);
      if (!cmd.getFirst().contains("/") && cmd.getFirst().equals("l4j")) {
        pb.command().set(0, onPath.resolve("l4j").toString());
      }
    }
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd + " did not finish within " + timeoutSeconds + " s");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
