package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl+C or {@code kill} during a restore (a container stopped while its entrypoint restores),
 * during the initial restore of {@code restore -f}, or during {@code ltx-file apply} or {@code
 * encode-db}, stops it with a message saying so, exit code 1, and nothing in the output's
 * directory: no partial database under a temporary name, no staging directory. Without its signal
 * handler the JVM exits at once and leaves hundreds of megabytes of half-written file behind.
 */
class RestoreSignalTest {
  @TempDir static Path shared;
  private static Path source;
  private static Path replica;

  @BeforeAll
  static void replicateAHundredMegabytes() {
    source = shared.resolve("app.db");
    replica = shared.resolve("replica");
    SqliteCli.create()
        .run(
            source,
            "PRAGMA journal_mode=wal; CREATE TABLE t(v BLOB);"
                + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000)"
                + " INSERT INTO t SELECT randomblob(4000) FROM n;");
    CliRun r = CliRun.of("replicate", "-once", source, replica.toUri());
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @ParameterizedTest(name = "restore {0}")
  @ValueSource(strings = {"-o", "-f -o"})
  void sigtermDuringARestoreRemovesThePartialCopy(
      String flags, @TempDir Path dir, @TempDir Path logs) throws Exception {
    Path out = dir.resolve("restored.db");
    List<String> args = new ArrayList<>(List.of("restore"));
    args.addAll(List.of(flags.split(" ")));
    args.addAll(List.of(out.toString(), replica.toUri().toString()));

    String output = sigtermOnceWriting(dir, logs.resolve("restore.log"), args);

    assertThat(output).contains("SIGTERM received, stopping the restore");
    assertThat(output).contains("restore of " + out + " stopped by SIGTERM");
  }

  @Test
  void sigtermDuringLtxFileApplyRemovesThePartialCopy(@TempDir Path dir, @TempDir Path logs)
      throws Exception {
    Path snapshot = logs.resolve("snapshot.ltx");
    assertThat(CliRun.of("ltx-file", "encode-db", source, snapshot).exitCode()).isZero();
    Path out = dir.resolve("applied.db");

    String output =
        sigtermOnceWriting(
            dir,
            logs.resolve("apply.log"),
            List.of("ltx-file", "apply", "-o", out.toString(), snapshot.toString()));

    assertThat(output).contains("ltx-file apply of " + out + " stopped by SIGTERM");
  }

  @Test
  void sigtermDuringLtxFileEncodeDbRemovesThePartialCopy(@TempDir Path dir, @TempDir Path logs)
      throws Exception {
    Path out = dir.resolve("snapshot.ltx");

    String output =
        sigtermOnceWriting(
            dir,
            logs.resolve("encode.log"),
            List.of("ltx-file", "encode-db", source.toString(), out.toString()));

    assertThat(output).contains("ltx-file encode-db of " + out + " stopped by SIGTERM");
  }

  /**
   * Runs the tool with {@code args}, sends SIGTERM as soon as anything appears in {@code dir} (the
   * output's directory), and checks that it exits with code 1 leaving {@code dir} empty; returns
   * its output.
   */
  private static String sigtermOnceWriting(Path dir, Path log, List<String> args) throws Exception {
    Process p = CliProcess.start(log, args.toArray(String[]::new));
    try {
      assertThat(awaitAnyFile(dir, Duration.ofSeconds(60)))
          .as("the command started writing; log: %s", log)
          .isTrue();
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    } finally {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(p.exitValue())
        .as("exit code (0 would mean it finished before the signal): %s", output)
        .isEqualTo(1);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.toList()).as("left behind").isEmpty();
    }
    return output;
  }

  @Test
  void aRestoreThatIsNotInterruptedStillSucceeds(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("restored.db");
    CliRun r = CliRun.of("restore", "-o", out, replica.toUri());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    DbCompare.assertSameContent(source, out);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.toList()).containsExactly(out);
    }
  }

  private static boolean awaitAnyFile(Path dir, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> seen = files.toList();
        if (!seen.isEmpty()) {
          return true;
        }
      }
      Thread.sleep(1);
    }
    return false;
  }
}
