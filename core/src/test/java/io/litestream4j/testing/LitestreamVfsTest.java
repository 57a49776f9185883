package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the peer harness end to end: the official VFS writes a replica from SQL in write mode, and
 * reads it back — latest state and an earlier point in time — in read mode.
 */
class LitestreamVfsTest {
  private static final String FIRST =
      """
            CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, payload BLOB);
            INSERT INTO t(name, payload) VALUES ('alpha', x'0102'), ('beta', zeroblob(3000));
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
              INSERT INTO t(name, payload) SELECT 'row' || i, randomblob(100) FROM n;
            """;
  private static final String SECOND =
      "UPDATE t SET name = 'ALPHA' WHERE id = 1; DELETE FROM t WHERE id > 150;";
  private static final String PROBE =
      "SELECT count(*), sum(length(payload)), group_concat(name) FROM (SELECT * FROM t WHERE id <= 3 OR id % 50 = 0);";

  @TempDir Path dir;
  LitestreamVfs vfs;

  @BeforeEach
  void peer() {
    vfs = LitestreamVfs.assumeAvailable();
  }

  @Test
  void writeModeProducesOneL0FilePerCallAndReadModeSeesEveryState() throws Exception {
    Path replica = Files.createDirectory(dir.resolve("replica"));
    Path local = dir.resolve("local.db");

    vfs.write(replica, FIRST);
    assertThat(ltxFiles(replica)).containsExactly("ltx/0/0000000000000001-0000000000000001.ltx");
    // the same statements on a plain local database are the reference (randomblob lengths only)
    SqliteCli.create().run(local, FIRST);
    String afterFirst = SqliteCli.create().run(local, PROBE);
    assertThat(vfs.query(replica, PROBE)).isEqualTo(afterFirst);

    vfs.write(replica, "SELECT count(*) FROM t;"); // reads only: nothing uploaded
    assertThat(ltxFiles(replica)).hasSize(1);

    vfs.write(replica, SECOND);
    SqliteCli.create().run(local, SECOND);
    assertThat(ltxFiles(replica))
        .containsExactly(
            "ltx/0/0000000000000001-0000000000000001.ltx",
            "ltx/0/0000000000000002-0000000000000002.ltx");

    assertThat(
            vfs.query(replica, "SELECT litestream_txid();\n" + PROBE + "PRAGMA integrity_check;"))
        .isEqualTo("0000000000000002\n" + SqliteCli.create().run(local, PROBE) + "ok\n");

    // time travel: a moment between the two files' timestamps (file mtime = LTX header timestamp)
    Instant first =
        Files.getLastModifiedTime(replica.resolve("ltx/0/0000000000000001-0000000000000001.ltx"))
            .toInstant();
    Instant second =
        Files.getLastModifiedTime(replica.resolve("ltx/0/0000000000000002-0000000000000002.ltx"))
            .toInstant();
    assertThat(first).isBefore(second);
    Instant between = first.plus(Duration.between(first, second).dividedBy(2));
    assertThat(vfs.queryAt(replica, between.toString(), "SELECT litestream_txid();\n" + PROBE))
        .isEqualTo("0000000000000001\n" + afterFirst);
  }

  @Test
  void conflictingWriterIsReportedNotSilentlyLost() throws Exception {
    Path replica = Files.createDirectory(dir.resolve("replica"));
    vfs.write(replica, "CREATE TABLE t(x);");
    // a second writer uploads TXID 2 while this session (which started at TXID 1) is open
    Path other =
        Files.writeString(
            dir.resolve("other.sql"),
            ".load "
                + vfs.extensionPath()
                + "\n.open file:x.db?vfs=litestream\nCREATE TABLE other(y);\n");
    String script =
        "INSERT INTO t VALUES (1);\n.shell LITESTREAM_REPLICA_URL="
            + replica.toUri()
            + " LITESTREAM_WRITE_ENABLED=true LITESTREAM_LOG_FILE=/dev/null sqlite3 -bail < "
            + other
            + "\n";
    assertThatThrownBy(() -> vfs.write(replica, script))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("remote has newer transactions than expected");
    assertThat(
            vfs.query(
                replica,
                "SELECT litestream_txid(), (SELECT count(*) FROM t), (SELECT count(*) FROM other);"))
        .isEqualTo("0000000000000002|0|0\n");
  }

  @Test
  void readingEmptyReplicaTimesOutWithHint() throws Exception {
    Path replica = Files.createDirectory(dir.resolve("empty"));

    assertThatThrownBy(() -> vfs.withTimeout(Duration.ofSeconds(2)).query(replica, "SELECT 1;"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("waits forever while the replica has no LTX files");
  }

  private static List<String> ltxFiles(Path replica) throws IOException {
    try (Stream<Path> files = Files.walk(replica)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> replica.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
