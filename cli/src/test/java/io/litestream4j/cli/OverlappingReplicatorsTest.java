package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.Await;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SequenceWriter;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Part of the fault suite: a rolling deploy starts a second {@code replicate} process on the same
 * database and replica while the first one still runs and the application keeps writing. The second
 * one must be refused (the database is already being replicated), the first must keep replicating,
 * and a restore after the first stops must hold every committed row.
 */
class OverlappingReplicatorsTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @Test
  void aSecondReplicatorOnTheSameReplicaIsRefusedAndNothingIsLost() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        dbs:
          - path: %s
            monitor-interval: 50ms
            replica:
              url: %s
              sync-interval: 0s
        """
            .formatted(db, replica.toUri()));
    int failures = 1;
    long lost = -1;
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      SequenceWriter writer = SequenceWriter.start(app, 7, 9000, Duration.ofMillis(3));
      Process first =
          CliProcess.start(dir.resolve("first.log"), "replicate", "-config", config.toString());
      Process second = null;
      try {
        Await.until(
            () -> Files.isDirectory(replica.resolve("ltx/0")),
            Duration.ofSeconds(60),
            "first upload");
        second =
            CliProcess.start(dir.resolve("second.log"), "replicate", "-config", config.toString());
        assertThat(second.waitFor(60, TimeUnit.SECONDS))
            .as("the second replicator is refused")
            .isTrue();
        String secondLog = Files.readString(dir.resolve("second.log"));
        assertThat(second.exitValue()).as(secondLog).isNotZero();
        assertThat(secondLog).contains(db + " is already being replicated by another process");
        long before = writer.committed();
        Await.until(
            () -> writer.committed() > before + 200, Duration.ofSeconds(60), "more commits");
        writer.stop();
        first.destroy(); // SIGTERM: final sync and upload
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).as(Files.readString(dir.resolve("first.log"))).isZero();
      } finally {
        writer.requestStop();
        first.destroyForcibly();
        if (second != null) {
          second.destroyForcibly();
        }
      }
      Path out = dir.resolve("restored.db");
      CliRun r = CliRun.of("restore", "-o", out, replica.toUri());
      assertThat(r.exitCode()).as(r.toString()).isZero();
      lost =
          writer.committed() - Long.parseLong(sqlite.run(out, "SELECT count(*) FROM seq;").strip());
      DbCompare.assertSameContent(db, out);
      DbCompare.assertIntegrity(out);
      failures = 0;
    } finally {
      System.out.printf(
          "fault-suite: scenario=overlapping-replicators iterations=1 failures=%d data-lost=%s%n",
          failures, lost < 0 ? "unknown" : Long.toString(lost));
    }
  }
}
