package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that stage an output file never write through a planted symlink; -timestamp edge cases.
 */
class StagedOutputCliTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  private Path replicatedDatabase() {
    Path db = dir.resolve("app.db");
    sqlite.run(
        db,
        "PRAGMA journal_mode=wal; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), ('three');");
    CliRun r = CliRun.of("replicate", "-once", db, dir.resolve("replica").toUri());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return db;
  }

  @Test
  void restoreNeverFollowsASymlinkAtTheTemporaryName() throws Exception {
    Path db = replicatedDatabase();
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Path out = dir.resolve("out.db");
    Files.createSymbolicLink(dir.resolve("out.db.tmp"), victim);

    CliRun r = CliRun.of("restore", "-o", out, dir.resolve("replica").toUri());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.isSymbolicLink(out)).isFalse();
    DbCompare.assertSameContent(db, out);
  }

  @Test
  void ltxFileApplyNeverFollowsASymlinkAtTheTemporaryName() throws Exception {
    Path db = replicatedDatabase();
    Path ltx = dir.resolve("snap.ltx");
    assertThat(CliRun.of("ltx-file", "encode-db", db, ltx).exitCode()).isZero();
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Path out = dir.resolve("applied.db");
    Files.createSymbolicLink(dir.resolve("applied.db.tmp"), victim);

    CliRun r = CliRun.of("ltx-file", "apply", "-o", out, ltx);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.isSymbolicLink(out)).isFalse();
    DbCompare.assertSameContent(db, out);
  }

  @Test
  void timestampNowRestoresTheLatestStateOfAnIdleDatabase() throws Exception {
    Path db = replicatedDatabase();
    Path out = dir.resolve("now.db");

    CliRun r = CliRun.of("restore", "-timestamp", "now", "-o", out, dir.resolve("replica").toUri());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    DbCompare.assertSameContent(db, out);
  }

  @Test
  void timestampAfterTheNewestBackupRestoresTheLatestState() throws Exception {
    Path db = replicatedDatabase();
    Path out = dir.resolve("future.db");

    CliRun r =
        CliRun.of(
            "restore",
            "-timestamp",
            "2999-01-01T00:00:00Z",
            "-o",
            out,
            dir.resolve("replica").toUri());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    DbCompare.assertSameContent(db, out);
  }
}
