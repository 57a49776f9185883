package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.SqliteCli;
import io.litestream4j.tools.LtxDiff;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ltx-file} on databases made with the {@code sqlite3} CLI: the round trip encode-db →
 * verify → dump → apply reproduces the database and every command agrees on the checksum; damaged,
 * missing and out-of-order input gives {@code Error: ...} and exit 1, never a stack trace; outputs
 * are never half-written and inputs never modified.
 */
class LtxFileCommandTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();

  @Test
  void encodeVerifyDumpApplyRoundTrip() throws Exception {
    Path db = database("src.db", 4096);
    String before = sha256(db);
    Path ltx = dir.resolve("snap.ltx");

    Run checksum = run("ltx-file", "checksum", db.toString());
    Run encode = run("ltx-file", "encode-db", db.toString(), ltx.toString());
    Run verify = run("ltx-file", "verify", ltx.toString());
    Run dump = run("ltx-file", "dump", ltx.toString());
    Path out = dir.resolve("out.db");
    Run apply = run("ltx-file", "apply", "-o", out.toString(), ltx.toString());

    String sum = Checksums.format(DatabaseChecksum.of(db));
    assertThat(checksum.code).as(checksum.err).isZero();
    assertThat(checksum.out).isEqualTo(sum + "\n");
    assertThat(checksum.err).isEmpty();
    assertThat(encode.code).as(encode.err).isZero();
    assertThat(encode.out).contains("snapshot TXID 0000000000000001", "checksum " + sum);
    assertThat(verify.code).isZero();
    assertThat(verify.out).isEqualTo("OK " + ltx + "\n");
    assertThat(dump.code).as(dump.err).isZero();
    assertThat(dump.out)
        .contains(
            "Post-apply checksum: " + sum, "Min TXID:            0000000000000001 (snapshot)");
    assertThat(apply.code).as(apply.err).isZero();
    assertThat(apply.out).contains("TXID 0000000000000001", "checksum " + sum);
    DbCompare.assertSameContent(db, out);
    DbCompare.assertIntegrity(out);
    assertThat(run("ltx-file", "checksum", out.toString()).out).isEqualTo(sum + "\n");
    assertThat(sha256(db)).as("source untouched").isEqualTo(before);
  }

  @Test
  void dumpShowsEveryHeaderFieldThePageTableAndTheTrailer() throws Exception {
    Path db = database("src.db", 1024);
    Path ltx = dir.resolve("snap.ltx");
    assertThat(run("ltx-file", "encode-db", db.toString(), ltx.toString()).code).isZero();

    Run dump = run("ltx-file", "dump", ltx.toString());

    int pages = (int) (Files.size(db) / 1024);
    assertThat(dump.out.lines().toList())
        .contains(
            "File:                " + ltx,
            "Size:                " + Files.size(ltx) + " bytes",
            "Flags:               0x00000000",
            "Page size:           1024",
            "Commit:              " + pages + " pages",
            "Max TXID:            0000000000000001",
            "Pre-apply checksum:  0000000000000000",
            "WAL offset:          0",
            "WAL size:            0",
            "WAL salt-1:          00000000",
            "WAL salt-2:          00000000",
            "Node ID:             0000000000000000",
            "      PGNO          OFFSET      SIZE  CHECKSUM",
            "Pages:               " + pages);
    assertThat(dump.out)
        .containsPattern(
            "Timestamp:           \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\n");
    assertThat(dump.out).containsPattern("\n {9}1 {13}100 +\\d+  [0-9a-f]{16}\n");
    assertThat(dump.out).containsPattern("File checksum:       [0-9a-f]{16} \\(verified\\)");
  }

  @Test
  void dumpJsonIsOneValidObject() throws Exception {
    Path db = database("src.db", 512);
    Path ltx = dir.resolve("snap.ltx");
    run("ltx-file", "encode-db", db.toString(), ltx.toString());

    Run dump = run("ltx-file", "dump", "-json", ltx.toString());

    assertThat(dump.code).as(dump.err).isZero();
    String json = dump.out;
    int pages = (int) (Files.size(db) / 512);
    assertThat(json(json, "json_valid(?)")).isEqualTo("1");
    assertThat(json(json, "json_extract(?, '$.file')")).isEqualTo(ltx.toString());
    assertThat(json(json, "json_extract(?, '$.header.pageSize')")).isEqualTo("512");
    assertThat(json(json, "json_extract(?, '$.header.commit')")).isEqualTo(Integer.toString(pages));
    assertThat(json(json, "json_extract(?, '$.header.minTxid')")).isEqualTo("0000000000000001");
    assertThat(json(json, "json_extract(?, '$.header.snapshot')")).isEqualTo("1");
    assertThat(json(json, "json_array_length(json_extract(?, '$.pages'))"))
        .isEqualTo(Integer.toString(pages));
    assertThat(json(json, "json_extract(?, '$.pages[0].offset')")).isEqualTo("100");
    assertThat(json(json, "json_extract(?, '$.trailer.postApplyChecksum')"))
        .isEqualTo(Checksums.format(DatabaseChecksum.of(db)));
    assertThat(json(json, "json_extract(?, '$.valid')")).isEqualTo("1");
  }

  @Test
  void damagedFilesAreReportedWithoutStackTraces() throws Exception {
    Path db = database("src.db", 4096);
    Path good = dir.resolve("good.ltx");
    run("ltx-file", "encode-db", db.toString(), good.toString());
    byte[] b = Files.readAllBytes(good);
    Path truncated = Files.write(dir.resolve("truncated.ltx"), Arrays.copyOf(b, b.length - 30));
    byte[] flipped = b.clone();
    flipped[b.length / 2] ^= 1;
    Path corrupt = Files.write(dir.resolve("corrupt.ltx"), flipped);
    Path empty = Files.createFile(dir.resolve("empty.ltx"));
    Path missing = dir.resolve("missing.ltx");

    Run verify =
        run(
            "ltx-file",
            "verify",
            good.toString(),
            truncated.toString(),
            corrupt.toString(),
            empty.toString(),
            missing.toString(),
            db.toString(),
            dir.toString());

    assertThat(verify.code).isEqualTo(1);
    List<String> lines = verify.out.lines().toList();
    assertThat(lines).hasSize(7);
    assertThat(lines.get(0)).isEqualTo("OK " + good);
    assertThat(lines.get(1)).startsWith("FAIL " + truncated + ": LTX file is truncated");
    assertThat(lines.get(2)).startsWith("FAIL " + corrupt + ": ");
    assertThat(lines.get(3))
        .isEqualTo("FAIL " + empty + ": file is empty (0 bytes): not an LTX file");
    assertThat(lines.get(4)).isEqualTo("FAIL " + missing + ": no such LTX file");
    assertThat(lines.get(5)).startsWith("FAIL " + db + ": not an LTX file: magic at offset 0");
    assertThat(lines.get(6)).isEqualTo("FAIL " + dir + ": is a directory, not an LTX file");
    assertThat(run("ltx-file", "verify", good.toString(), good.toString()).code).isZero();

    Run dump = run("ltx-file", "dump", "-json", truncated.toString());
    assertThat(dump.code).isEqualTo(1);
    assertThat(dump.err).startsWith("Error: " + truncated + ": LTX file is truncated");
    assertThat(json(dump.out, "json_extract(?, '$.valid')")).isEqualTo("0");
    assertThat(json(dump.out, "json_extract(?, '$.error')")).startsWith("LTX file is truncated");

    for (Path bad : List.of(truncated, corrupt, empty, missing, db)) {
      for (Run r :
          List.of(
              run("ltx-file", "dump", bad.toString()),
              run("ltx-file", "apply", "-o", dir.resolve("x.db").toString(), bad.toString()))) {
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).startsWith("Error: " + bad).doesNotContain("Exception", "\tat ");
      }
    }
    assertThat(dir.resolve("x.db")).doesNotExist();
    assertThat(dir.resolve("x.db.tmp")).doesNotExist();
  }

  @Test
  void walDatabaseNeedsIncludeWalAndIsNeverModified() throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA wal_autocheckpoint=0");
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      st.execute("INSERT INTO t(v) VALUES ('committed but only in the WAL')");
      Path wal = dir.resolve("app.db-wal");
      String dbBefore = sha256(db);
      String walBefore = sha256(wal);
      Path ltx = dir.resolve("app.ltx");

      Run refused = run("ltx-file", "encode-db", db.toString(), ltx.toString());
      Run fileOnly = run("ltx-file", "checksum", db.toString());
      Run withWal = run("ltx-file", "checksum", "-include-wal", db.toString());
      Run encoded = run("ltx-file", "encode-db", "-include-wal", db.toString(), ltx.toString());

      assertThat(refused.code).isEqualTo(1);
      assertThat(refused.err)
          .startsWith("Error: " + db + ": app.db-wal holds 1 committed transaction")
          .contains("use -include-wal");
      assertThat(fileOnly.code).isZero();
      assertThat(fileOnly.out).isEqualTo(Checksums.format(DatabaseChecksum.of(db)) + "\n");
      assertThat(fileOnly.err).startsWith("warning: app.db-wal holds").contains("-include-wal");
      String logical = Checksums.format(L0Restore.logicalChecksum(db));
      assertThat(withWal.out).isEqualTo(logical + "\n");
      assertThat(withWal.err).isEmpty();
      assertThat(encoded.code).as(encoded.err).isZero();
      assertThat(encoded.out).contains("from the WAL", "checksum " + logical);
      Path out = dir.resolve("out.db");
      assertThat(run("ltx-file", "apply", "-o", out.toString(), ltx.toString()).code).isZero();
      DbCompare.assertSameContent(
          DbCompare.dump(app), DbCompare.dump(out), "live WAL database vs applied snapshot");
      DbCompare.assertIntegrity(out);
      assertThat(sha256(db)).isEqualTo(dbBefore);
      assertThat(sha256(wal)).isEqualTo(walBefore);
    }
  }

  @Test
  void applyChainsFilesAndRefusesGapsNamingTheFile() throws Exception {
    Path v1 = database("v1.db", 4096);
    Path v2 = copyAndRun(v1, "v2.db", "UPDATE t SET v = 'two' WHERE id % 5 = 0;");
    Path v3 =
        copyAndRun(v2, "v3.db", "DELETE FROM t WHERE id > 100; INSERT INTO t(v) VALUES ('three');");
    Path f1 = dir.resolve("0000000000000001-0000000000000001.ltx");
    Path f2 = dir.resolve("0000000000000002-0000000000000002.ltx");
    Path f3 = dir.resolve("0000000000000003-0000000000000003.ltx");
    assertThat(run("ltx-file", "encode-db", v1.toString(), f1.toString()).code).isZero();
    LtxDiff.write(v1, v2, 2, f2, true);
    LtxDiff.write(v2, v3, 3, f3, true);
    Path out = dir.resolve("out.db");

    Run gap = run("ltx-file", "apply", "-o", out.toString(), f1.toString(), f3.toString());
    assertThat(gap.code).isEqualTo(1);
    assertThat(gap.err)
        .startsWith(
            "Error: " + f3 + " (TXIDs 0000000000000003..0000000000000003) does not continue " + f1)
        .contains("TXIDs 0000000000000002..0000000000000002 are missing");
    assertThat(out).doesNotExist();

    Run ok =
        run("ltx-file", "apply", "-o", out.toString(), f1.toString(), f2.toString(), f3.toString());
    assertThat(ok.code).as(ok.err).isZero();
    assertThat(ok.out).startsWith("applied 3 files to " + out + ": TXID 0000000000000003");
    DbCompare.assertSameContent(v3, out);
    DbCompare.assertIntegrity(out);

    Run exists = run("ltx-file", "apply", "-o", out.toString(), f1.toString());
    assertThat(exists.code).isEqualTo(1);
    assertThat(exists.err)
        .isEqualTo("Error: " + out + " already exists; use -force to replace it\n");
    DbCompare.assertSameContent(v3, out);

    Files.writeString(dir.resolve("fresh.db-wal"), "stale");
    Run stale = run("ltx-file", "apply", "-o", dir.resolve("fresh.db").toString(), f1.toString());
    assertThat(stale.err).contains("fresh.db-wal exists and SQLite would apply it");
    assertThat(dir.resolve("fresh.db")).doesNotExist();
    Files.writeString(dir.resolve("out.db-wal"), "stale");
    Run forced = run("ltx-file", "apply", "-force", "-o", out.toString(), f1.toString());
    assertThat(forced.code).as(forced.err).isZero();
    DbCompare.assertSameContent(v1, out);
    assertThat(dir.resolve("out.db-wal")).doesNotExist();

    Run self = run("ltx-file", "apply", "-force", "-o", f1.toString(), f1.toString());
    assertThat(self.err).contains("is one of the input files");
  }

  @Test
  void encodeDbRefusesToOverwriteAndBadDatabases() throws Exception {
    Path db = database("src.db", 4096);
    Path ltx = Files.writeString(dir.resolve("taken.ltx"), "keep me");
    Run taken = run("ltx-file", "encode-db", db.toString(), ltx.toString());
    assertThat(taken.err)
        .isEqualTo("Error: " + ltx + " already exists; use -force to replace it\n");
    assertThat(Files.readString(ltx)).isEqualTo("keep me");
    assertThat(run("ltx-file", "encode-db", "--force", db.toString(), ltx.toString()).code)
        .isZero();
    assertThat(run("ltx-file", "verify", ltx.toString()).code).isZero();

    Run self = run("ltx-file", "encode-db", "-force", db.toString(), db.toString());
    assertThat(self.err).contains("is the database itself");
    Run missing =
        run(
            "ltx-file",
            "encode-db",
            dir.resolve("nope.db").toString(),
            dir.resolve("n.ltx").toString());
    assertThat(missing.err).isEqualTo("Error: " + dir.resolve("nope.db") + ": no such database\n");
    Path text =
        Files.writeString(dir.resolve("text.db"), "not a database at all, only text ".repeat(10));
    Run notDb = run("ltx-file", "encode-db", text.toString(), dir.resolve("t.ltx").toString());
    assertThat(notDb.err).startsWith("Error: " + text + ": not a SQLite database");
    Run noDir =
        run("ltx-file", "encode-db", db.toString(), dir.resolve("no/such/dir/x.ltx").toString());
    assertThat(noDir.err).contains("output directory does not exist");
    assertThat(dir.resolve("t.ltx")).doesNotExist();
  }

  @Test
  void usageErrorsNameTheProblem() {
    Run none = run("ltx-file", "apply", "x.ltx");
    assertThat(none.code).isEqualTo(1);
    assertThat(none.err)
        .startsWith("Error: Missing required option: '-o=OUT'")
        .contains("Try: litestream4j ltx-file apply -h");
    Run noFiles = run("ltx-file", "verify");
    assertThat(noFiles.code).isEqualTo(1);
    assertThat(noFiles.err).startsWith("Error: Missing required parameter");
    Run help = run("ltx-file", "checksum", "-h");
    assertThat(help.code).isZero();
    assertThat(help.out).contains("-wal of a WAL-mode database is NOT", "-include-wal");
  }

  @Test
  void realProcessExitCodesAndOutput() throws Exception {
    Path db = database("src.db", 4096);
    Path ltx = dir.resolve("p.ltx");
    Proc encode = javaProcess("ltx-file", "encode-db", db.toString(), ltx.toString());
    assertThat(encode.code).as(encode.err).isZero();
    Proc verify =
        javaProcess("ltx-file", "verify", ltx.toString(), dir.resolve("missing.ltx").toString());
    assertThat(verify.code).isEqualTo(1);
    assertThat(verify.out)
        .isEqualTo("OK " + ltx + "\nFAIL " + dir.resolve("missing.ltx") + ": no such LTX file\n");
    Proc checksum = javaProcess("ltx-file", "checksum", db.toString());
    assertThat(checksum.out).isEqualTo(Checksums.format(DatabaseChecksum.of(db)) + "\n");
    Proc bad = javaProcess("ltx-file", "dump", db.toString());
    assertThat(bad.code).isEqualTo(1);
    assertThat(bad.err).startsWith("Error: " + db + ": not an LTX file").doesNotContain("\tat ");
  }

  // ---------------------------------------------------------------------------------------------

  private Path database(String name, int pageSize) {
    Path db = dir.resolve(name);
    sqlite.run(
        db,
        "PRAGMA page_size="
            + pageSize
            + ";"
            + "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB);"
            + "CREATE INDEX t_v ON t(v);"
            + "INSERT INTO t(v, b) SELECT 'row ' || value, randomblob(value % 700) FROM generate_series(1, 400);"
            + "INSERT INTO t(v, b) VALUES (NULL, NULL), ('unicode ✓ ü', x'00ff');");
    return db;
  }

  private Path copyAndRun(Path from, String name, String sql) throws Exception {
    Path to = dir.resolve(name);
    Files.copy(from, to);
    sqlite.run(to, sql);
    return to;
  }

  private static String json(String json, String expression) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        PreparedStatement ps = c.prepareStatement("SELECT " + expression)) {
      ps.setString(1, json);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var cli = Main.newCommandLine();
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
    int code = cli.execute(Flags.normalize(args));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private record Proc(int code, String out, String err) {}

  private Proc javaProcess(String... args) throws Exception {
    List<String> cmd = CliProcess.command(args);
    Path out = dir.resolve("proc.out");
    Path err = dir.resolve("proc.err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("process finished").isTrue();
    } finally {
      p.destroyForcibly();
    }
    return new Proc(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
