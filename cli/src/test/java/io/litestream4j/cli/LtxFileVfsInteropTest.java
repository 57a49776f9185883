package io.litestream4j.cli;

import static io.litestream4j.cli.LtxFileCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.cli.LtxFileCommandTest.Run;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.LitestreamVfs;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interop with the official Litestream VFS 0.5.17 in both directions: it reads replicas whose only
 * file is a snapshot written by {@code encode-db}, and our {@code verify}/{@code apply} accept the
 * files it writes and rebuild the database it shows. Skipped (with the reason) when the VFS cannot
 * be installed from npm.
 */
class LtxFileVfsInteropTest {
  private static final String SNAPSHOT = "0000000000000001-0000000000000001.ltx";
  private static final String QUERIES =
      """
      PRAGMA integrity_check;
      SELECT count(*), sum(length(b)), group_concat(v, ',') FROM (SELECT * FROM t ORDER BY id);
      SELECT v FROM t WHERE v LIKE 'row 3%' ORDER BY v LIMIT 5;
      .dump
      """;

  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @ParameterizedTest(name = "page size {0}")
  @ValueSource(ints = {512, 4096, 65536})
  void vfsReadsASnapshotWrittenByEncodeDb(int pageSize) throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    Path db = dir.resolve("src.db");
    sqlite.run(
        db,
        "PRAGMA page_size="
            + pageSize
            + ";"
            + "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB);"
            + "CREATE INDEX t_v ON t(v);"
            + "INSERT INTO t(v, b) SELECT 'row ' || value, randomblob(value * 13 % 5000) FROM generate_series(1, 1500);"
            + "DELETE FROM t WHERE id % 11 = 0;"
            + "CREATE TABLE kv(k TEXT PRIMARY KEY, val) WITHOUT ROWID;"
            + "INSERT INTO kv VALUES ('a', 1), ('b', 2.5), ('c', x'0102'), ('d', NULL);");
    Path replica = dir.resolve("replica");
    Path ltx = Files.createDirectories(replica.resolve("ltx/0")).resolve(SNAPSHOT);

    Run encode = run("ltx-file", "encode-db", db.toString(), ltx.toString());
    assertThat(encode.code()).as(encode.err()).isZero();

    String expected = sqlite.run(db, QUERIES);
    assertThat(expected).startsWith("ok\n");
    assertThat(vfs.query(replica, QUERIES)).isEqualTo(expected);
    assertThat(vfs.query(replica, "PRAGMA page_size;")).isEqualTo(pageSize + "\n");
  }

  @Test
  void vfsReadsASnapshotOfAWalDatabaseWithUncheckpointedCommits() throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Path ltx = Files.createDirectories(replica.resolve("ltx/0")).resolve(SNAPSHOT);
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA wal_autocheckpoint=0");
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)");
      st.execute("INSERT INTO t(v, b) VALUES ('row 1', x'01'), ('row 2', x'02')");
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      st.execute("INSERT INTO t(v, b) VALUES ('row 3 only in the WAL', randomblob(9000))");
      st.execute("UPDATE t SET v = 'row 1 updated in the WAL' WHERE id = 1");

      Run encode = run("ltx-file", "encode-db", "-include-wal", db.toString(), ltx.toString());
      assertThat(encode.code()).as(encode.err()).isZero();

      Path copy =
          dir.resolve("copy.db"); // what SQLite sees, as a standalone file for the sqlite3 CLI
      try (Statement s = app.createStatement()) {
        s.execute("VACUUM INTO '" + copy + "'");
      }
      String expected = sqlite.run(copy, QUERIES);
      assertThat(expected).contains("row 3 only in the WAL", "row 1 updated in the WAL");
      assertThat(vfs.query(replica, QUERIES)).isEqualTo(expected);
    }
  }

  @Test
  void filesWrittenByTheVfsVerifyAndApplyToWhatTheVfsShows() throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    Path replica = Files.createDirectories(dir.resolve("replica"));
    vfs.write(
        replica,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB);"
            + "INSERT INTO t(v, b) SELECT 'row ' || value, randomblob(value * 11 % 3000) FROM generate_series(1, 600);");
    vfs.write(replica, "UPDATE t SET v = upper(v) WHERE id % 3 = 0; CREATE INDEX t_v ON t(v);");
    vfs.write(replica, "DELETE FROM t WHERE id > 300; INSERT INTO t(v) VALUES ('last');");
    List<Path> files = l0Files(replica);
    assertThat(files)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            SNAPSHOT,
            "0000000000000002-0000000000000002.ltx",
            "0000000000000003-0000000000000003.ltx");

    assertAppliedEqualsVfs(vfs, replica, files);

    Run json = run("ltx-file", "dump", "-json", files.get(1).toString());
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out())
        .contains(
            "\"noChecksum\":true",
            "\"preApplyChecksum\":\"0000000000000000\"",
            "\"postApplyChecksum\":\"0000000000000000\"",
            "\"valid\":true");
  }

  @Test
  void vfsContinuesOurSnapshotAndOurApplyFollowsIt() throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    Path db = dir.resolve("src.db");
    sqlite.run(
        db,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB);"
            + "INSERT INTO t(v, b) SELECT 'row ' || value, randomblob(100) FROM generate_series(1, 200);");
    Path replica = dir.resolve("replica");
    Path ltx = Files.createDirectories(replica.resolve("ltx/0")).resolve(SNAPSHOT);
    assertThat(run("ltx-file", "encode-db", db.toString(), ltx.toString()).code()).isZero();

    vfs.write(
        replica,
        "UPDATE t SET v = 'vfs ' || id WHERE id % 2 = 0; INSERT INTO t(v) VALUES ('from the vfs');");
    List<Path> files = l0Files(replica);
    assertThat(files).hasSize(2);

    assertAppliedEqualsVfs(vfs, replica, files);
  }

  private void assertAppliedEqualsVfs(LitestreamVfs vfs, Path replica, List<Path> files)
      throws Exception {
    List<String> verifyArgs = new ArrayList<>(List.of("ltx-file", "verify"));
    files.forEach(f -> verifyArgs.add(f.toString()));
    Run verify = run(verifyArgs.toArray(String[]::new));
    assertThat(verify.code()).as(verify.out()).isZero();
    assertThat(verify.out().lines()).hasSize(files.size()).allMatch(l -> l.startsWith("OK "));

    Path out = dir.resolve("applied.db");
    List<String> applyArgs = new ArrayList<>(List.of("ltx-file", "apply", "-o", out.toString()));
    files.forEach(f -> applyArgs.add(f.toString()));
    Run apply = run(applyArgs.toArray(String[]::new));
    assertThat(apply.code()).as(apply.err()).isZero();

    DbCompare.assertIntegrity(out);
    String shown = vfs.query(replica, QUERIES_WITHOUT_LIKE);
    assertThat(shown).startsWith("ok\n");
    assertThat(sqlite.run(out, QUERIES_WITHOUT_LIKE)).isEqualTo(shown);
  }

  private static final String QUERIES_WITHOUT_LIKE =
      """
      PRAGMA integrity_check;
      SELECT count(*), sum(length(b)), group_concat(v, ',') FROM (SELECT * FROM t ORDER BY id);
      .dump
      """;

  private static List<Path> l0Files(Path replica) throws Exception {
    try (Stream<Path> s = Files.list(replica.resolve("ltx/0"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".ltx")).sorted().toList();
    }
  }
}
