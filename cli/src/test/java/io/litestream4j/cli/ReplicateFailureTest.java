package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.Await;
import io.litestream4j.testing.SqliteCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replicate} runs that must fail loudly instead of reporting success. */
class ReplicateFailureTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @Test
  void onceOnAMissingDatabaseIsAnError() {
    Path db = dir.resolve("missing.db");
    Path replica = dir.resolve("replica");

    CliRun r = CliRun.of("replicate", "-once", db, replica.toUri());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains(db.toString()).contains("does not exist");
    assertThat(db).doesNotExist();
  }

  @Test
  void sigtermWithUploadsStillPendingExitsNonZero() throws Exception {
    Path db = dir.resolve("app.db");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
    Path replica = dir.resolve("replica");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        shutdown-sync-timeout: 1s
        shutdown-sync-interval: 200ms
        dbs:
          - path: %s
            monitor-interval: 50ms
            replica:
              url: %s
              sync-interval: 0s
        """
            .formatted(db, replica.toUri()));
    Process p = javaProcess(dir, "replicate", "-config", config.toString());
    try {
      Await.until(
          () -> Files.isDirectory(replica.resolve("ltx/0")),
          Duration.ofSeconds(60),
          "first upload");
      // The replica becomes unwritable (even for root): its directory is replaced by a file.
      // Moved away (atomic, unlike a recursive delete racing the replicator's writes), then
      // blocked.
      for (int i = 0; ; i++) {
        try {
          Files.move(replica, dir.resolve("moved-away-" + i));
          Files.writeString(
              replica, "not a directory", java.nio.file.StandardOpenOption.CREATE_NEW);
          break;
        } catch (IOException raced) {
          assertThat(i).as("replacing the replica directory: " + raced).isLessThan(50);
        }
      }
      sqlite.run(db, "INSERT INTO t(v) VALUES ('never uploaded');");
      Await.until(
          () -> Files.readString(dir.resolve("replicate.log")).contains("upload failed"),
          Duration.ofSeconds(60),
          "the upload to fail");
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("replicate exits after SIGTERM").isTrue();
      assertThat(p.exitValue()).as(Files.readString(dir.resolve("replicate.log"))).isNotZero();
      assertThat(Files.readString(dir.resolve("replicate.log"))).contains("uploads pending");
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * A cron-style backup ({@code -once}) to a replica that was wiped (or a new URL) after the local
   * L0 files of earlier uploads were pruned: it cannot upload TXID 1 any more and must start over
   * with a full file instead of failing on the missing local file at every run.
   */
  @Test
  void onceToAnEmptyReplicaAfterLocalFilesWerePrunedStartsOver() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(v TEXT);");
    for (int i = 0; i < 3; i++) {
      sqlite.run(db, "INSERT INTO t VALUES ('row " + i + "');");
      CliRun r = CliRun.of("replicate", "-once", db, replica.toUri());
      assertThat(r.exitCode()).as(r.toString()).isZero();
    }
    Path localL0 = dir.resolve(".app.db-litestream/ltx/0");
    java.util.List<Path> local;
    try (var files = Files.list(localL0)) {
      local = files.filter(f -> f.toString().endsWith(".ltx")).sorted().toList();
    }
    assertThat(local).as("local L0 files").hasSizeGreaterThan(1);
    for (Path f : local.subList(0, local.size() - 1)) {
      Files.delete(f); // pruned after their upload
    }
    Path wiped = dir.resolve("new-replica");

    CliRun r = CliRun.of("replicate", "-once", db, wiped.toUri());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    ReplicateCommandTest.assertRestoresTo(wiped, db);
  }

  static Process javaProcess(Path dir, String... args) throws IOException {
    return CliProcess.start(dir.resolve("replicate.log"), args);
  }
}
