package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.restore.RestoreFixtures;
import io.litestream4j.restore.RestoreFixtures.History;
import io.litestream4j.restore.RestoreFixtures.State;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SqliteCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restore} as a user runs it: flags, exit codes, stdout and stderr, and the restored
 * database's content, in URL mode and config mode.
 */
class RestoreCommandTest {
  @TempDir static Path shared;
  static History history;
  static String url;
  static long maxTxid;

  @TempDir Path dir;

  @BeforeAll
  static void replicate() throws Exception {
    history = RestoreFixtures.replicate(shared, 6, 11);
    url = history.replica().toUri().toString();
    maxTxid = history.client().ltxFiles(0, 0).getLast().maxTxid();
  }

  private static State last() {
    return history.states().lastEntry().getValue();
  }

  private static void assertContent(Path db, State expected) throws Exception {
    assertThat(DatabaseChecksum.of(db)).isEqualTo(expected.checksum());
    DbCompare.assertSameContent(expected.dump(), DbCompare.dump(db), "TXID " + expected.txid());
    DbCompare.assertIntegrity(db);
  }

  @Test
  void restoresTheLatestStateFromAUrlAndPrintsJson() throws Exception {
    Path out = dir.resolve("out.db");
    CliRun r = CliRun.of("restore", "-o", out, "-json", "-integrity-check", "full", url);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .matches(
            """
        \\{
          "db_path": "%s",
          "replica": "file",
          "txid": "%s",
          "duration_ms": \\d+,
          "integrity_check": "full"
        \\}
        """
                .formatted(out, Txid.format(maxTxid)));
    if (maxTxid == last().txid()) {
      assertContent(out, last());
    }
    DbCompare.assertSameContent(last().dump(), DbCompare.dump(out), "latest");
  }

  @Test
  void restoresATxidAndATimestampWithDoubleDashFlagsToo() throws Exception {
    State first = history.states().firstEntry().getValue();
    Path byTxid = dir.resolve("txid.db");
    CliRun r =
        CliRun.of(
            "restore", "-o", byTxid, "--txid", Txid.format(first.txid()), "-parallelism", "2", url);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertContent(byTxid, first);

    State second = history.states().higherEntry(first.txid()).getValue();
    Instant at = history.createdAt(second.txid()).plusMillis(1);
    Path byTime = dir.resolve("time.db");
    r = CliRun.of("restore", "-o", byTime, "-timestamp", at.toString(), url);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertContent(byTime, second);
  }

  @Test
  void dryRunPrintsThePlanAndWritesNothing() throws Exception {
    Path out = dir.resolve("plan.db");
    CliRun text = CliRun.of("restore", "-dry-run", "-o", out, url);
    assertThat(text.exitCode()).as(text.toString()).isZero();
    List<String> lines = text.out().lines().toList();
    assertThat(lines.subList(0, 7))
        .containsExactly(
            "Restore plan:",
            "  source: " + url,
            "  target: " + out,
            "  replica: file",
            "  txid range: 0000000000000001 - " + Txid.format(maxTxid),
            "",
            "Files to fetch:");
    assertThat(lines.get(7)).matches("level  file {35}min_txid {10}max_txid {10}size +timestamp");
    assertThat(lines.get(8))
        .matches(
            "0      0000000000000001-0000000000000001\\.ltx  0000000000000001  "
                + "0000000000000001  \\d+ +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(lines).hasSize(8 + (int) maxTxid);

    CliRun json = CliRun.of("restore", "-dry-run", "-json", "-o", out, url);
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(json.out())
        .startsWith(
            """
        {
          "source": "%s",
          "target_path": "%s",
          "replica": "file",
          "min_txid": "0000000000000001",
          "max_txid": "%s",
          "files": [
            {
              "level": 0,
              "name": "0000000000000001-0000000000000001.ltx",
              "min_txid": "0000000000000001",
              "max_txid": "0000000000000001",
              "size": """
                .formatted(url, out, Txid.format(maxTxid)));
    assertThat(out).doesNotExist();
    assertThat(RestoreFixtures.listing(dir)).isEmpty();
  }

  @Test
  void badRequestsFailWithExitCodeOneAndLeaveNothing() throws Exception {
    Path out = dir.resolve("x.db");
    expectError(
        CliRun.of("restore", url),
        "Error: -o is required when restoring from a replica URL",
        "Try: litestream4j restore -h");
    expectError(CliRun.of("restore"), "Error: database path or replica URL required");
    expectError(CliRun.of("restore", "-o", out, url, "extra"), "Error: too many arguments");
    expectError(
        CliRun.of("restore", "-o", out, "-timestamp", "yesterday", url),
        "Error: invalid -timestamp, must specify in ISO 8601 format (e.g. 2000-01-01T00:00:00Z)");
    expectError(
        CliRun.of("restore", "-o", out, "-txid", "12", url), "Error: invalid -txid value \"12\"");
    expectError(
        CliRun.of(
            "restore",
            "-o",
            out,
            "-txid",
            "0000000000000001",
            "-timestamp",
            "2020-01-01T00:00:00Z",
            url),
        "Error: cannot specify both TXID & timestamp to restore");
    expectError(
        CliRun.of("restore", "-o", out, "-integrity-check", "paranoid", url),
        "Error: invalid -integrity-check value: paranoid");
    expectError(
        CliRun.of("restore", "-o", out, "-parallelism", "0", url),
        "Error: -parallelism must be at least 1");
    expectError(
        CliRun.of("restore", "-o", out, "-f", "-txid", "0000000000000001", url),
        "Error: cannot use follow mode with -txid or -timestamp");
    expectError(
        CliRun.of("restore", "-o", out, "-f", "-dry-run", url),
        "Error: cannot use -dry-run with follow mode");
    expectError(
        CliRun.of("restore", "-o", out, "-follow-interval", "1s", url),
        "Error: -follow-interval requires -f");
    expectError(
        CliRun.of("restore", "-o", out, "-f", "-follow-interval", "soon", url),
        "Error: invalid -follow-interval \"soon\"");
    expectError(
        CliRun.of("restore", "-o", out, "-config", dir.resolve("c.yml"), url),
        "Error: cannot specify a replica URL and the -config flag");
    expectError(
        CliRun.of("restore", "-o", out, "-txid", Txid.format(maxTxid + 5), url),
        "Error: TXID " + Txid.format(maxTxid + 5) + " is not available on " + url,
        "it holds TXIDs 0000000000000001-" + Txid.format(maxTxid));
    expectError(
        CliRun.of("restore", "-o", out, dir.resolve("missing").toUri()),
        "Error: no backup files found on");
    Files.createDirectory(out);
    expectError(CliRun.of("restore", "-o", out, url), "is a directory");
    Files.delete(out);
    Files.writeString(out, "not empty");
    expectError(
        CliRun.of("restore", "-o", out, url), "a database already exists there; use -force");
    assertThat(Files.readString(out)).isEqualTo("not empty");
    Files.delete(out);
    assertThat(RestoreFixtures.listing(dir)).isEmpty();
  }

  @Test
  void aGapInTheReplicaIsAnErrorNamingTheMissingTxids() throws Exception {
    Path replica = dir.resolve("replica");
    for (LtxFileInfo f : history.client().ltxFiles(0, 0)) {
      if (f.minTxid() != 2) {
        Path src = RestoreFixtures.ltxPath(history.replica(), 0, f.minTxid(), f.maxTxid());
        Path dst = RestoreFixtures.ltxPath(replica, 0, f.minTxid(), f.maxTxid());
        Files.createDirectories(dst.getParent());
        Files.copy(src, dst);
      }
    }
    Path out = dir.resolve("out.db");
    expectError(
        CliRun.of("restore", "-o", out, replica.toUri()),
        "has a gap: TXIDs 0000000000000002-0000000000000002 are missing");
    assertThat(out).doesNotExist();
  }

  @Test
  void forceOverwritesAndConditionalFlagsExitZero() throws Exception {
    Path out = dir.resolve("out.db");
    Files.writeString(out, "old");
    Files.writeString(dir.resolve("out.db-wal"), "stale");
    CliRun skip = CliRun.of("restore", "-if-db-not-exists", "-o", out, url);
    assertThat(skip.exitCode()).as(skip.toString()).isZero();
    assertThat(skip.out()).contains("database already exists, skipping");
    assertThat(Files.readString(out)).isEqualTo("old");

    CliRun forced = CliRun.of("restore", "-force", "-o", out, url);
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    assertThat(dir.resolve("out.db-wal")).doesNotExist();
    DbCompare.assertSameContent(last().dump(), DbCompare.dump(out), "forced");

    Path empty = Files.createDirectory(dir.resolve("empty-replica"));
    Path none = dir.resolve("none.db");
    CliRun noBackups = CliRun.of("restore", "-if-replica-exists", "-o", none, empty.toUri());
    assertThat(noBackups.exitCode()).as(noBackups.toString()).isZero();
    assertThat(noBackups.out()).contains("no matching backups found");
    assertThat(none).doesNotExist();

    // As in Litestream: a TXID the replica does not hold is "no matching backups" too, while a
    // timestamp before its history stays an error.
    CliRun noTxid =
        CliRun.of("restore", "-if-replica-exists", "-txid", "00000000000000ff", "-o", none, url);
    assertThat(noTxid.exitCode()).as(noTxid.toString()).isZero();
    assertThat(noTxid.out()).contains("no matching backups found").contains("00000000000000ff");
    assertThat(none).doesNotExist();
    CliRun tooEarly =
        CliRun.of(
            "restore", "-if-replica-exists", "-timestamp", "2001-01-01T00:00:00Z", "-o", none, url);
    assertThat(tooEarly.exitCode()).as(tooEarly.toString()).isEqualTo(1);
    assertThat(none).doesNotExist();
  }

  @Test
  void configModeRestoresTheConfiguredDatabase() throws Exception {
    Path db = dir.resolve("app.db");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        dbs:
          - path: %s
            replica:
              url: %s
        """
            .formatted(db, url));
    Path elsewhere = dir.resolve("elsewhere.db");
    CliRun r = CliRun.of("restore", "-config", config, "-o", elsewhere, db);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    DbCompare.assertSameContent(last().dump(), DbCompare.dump(elsewhere), "config mode");

    r = CliRun.of("restore", "-config", config, "-json", db);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("\"db_path\": \"" + db + "\"");
    DbCompare.assertSameContent(last().dump(), DbCompare.dump(db), "config mode, default output");

    expectError(
        CliRun.of("restore", "-config", config, dir.resolve("other.db")),
        "Error: database not found in config: " + dir.resolve("other.db"));
    expectError(
        CliRun.of("restore", "-config", dir.resolve("missing.yml"), db), "Error:", "missing.yml");
  }

  @Test
  void configModeAppliesTheConfigsLoggingSection() throws Exception {
    Path db = dir.resolve("app.db");
    Path config = dir.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        logging:
          type: json
          stderr: true
        dbs:
          - path: %s
            replica:
              url: %s
        """
            .formatted(db, url));
    CliRun r = CliRun.of("restore", "-config", config, "-o", dir.resolve("restored.db"), db);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<String> lines = r.err().lines().toList();
    assertThat(lines).as("the restore logs its result").isNotEmpty();
    for (String line : lines) {
      assertThat(io.litestream4j.testing.Json.object(line))
          .as(line)
          .containsKeys("time", "level", "msg");
    }
    assertThat(lines).anyMatch(l -> l.contains("\"msg\":\"restored "));
  }

  @Test
  void replicateRestoresAMissingDatabaseBeforeReplicating() throws Exception {
    Path replica = dir.resolve("replica");
    for (LtxFileInfo f : history.client().ltxFiles(0, 0)) {
      Path dst = RestoreFixtures.ltxPath(replica, 0, f.minTxid(), f.maxTxid());
      Files.createDirectories(dst.getParent());
      Files.copy(RestoreFixtures.ltxPath(history.replica(), 0, f.minTxid(), f.maxTxid()), dst);
    }
    Path db = dir.resolve("app.db");
    CliRun r = CliRun.of("replicate", "-once", "-restore-if-db-not-exists", db, replica.toUri());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    DbCompare.assertSameContent(last().dump(), DbCompare.dump(db), "restored before replicating");
    DbCompare.assertIntegrity(db);

    Path fresh = dir.resolve("fresh.db");
    r =
        CliRun.of(
            "replicate", "-once", "-restore-if-db-not-exists", fresh, dir.resolve("empty").toUri());
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  /**
   * A daemon that must restore its missing database first and cannot (here: the replica's newest
   * file is damaged) stops before anything else starts: it neither retries in the background while
   * the application would create an empty database, nor creates one itself.
   */
  @Test
  void replicateStopsWhenTheMissingDatabaseCannotBeRestored() throws Exception {
    Path replica = dir.resolve("damaged-replica");
    long newest = 0;
    for (LtxFileInfo f : history.client().ltxFiles(0, 0)) {
      Path dst = RestoreFixtures.ltxPath(replica, 0, f.minTxid(), f.maxTxid());
      Files.createDirectories(dst.getParent());
      Files.copy(RestoreFixtures.ltxPath(history.replica(), 0, f.minTxid(), f.maxTxid()), dst);
      newest = Math.max(newest, f.maxTxid());
    }
    Path damaged = RestoreFixtures.ltxPath(replica, 0, newest, newest);
    byte[] b = Files.readAllBytes(damaged);
    b[b.length / 2] ^= 0x10;
    Files.write(damaged, b);
    Path db = dir.resolve("missing.db");
    Path started = dir.resolve("app-started");

    Process p =
        CliProcess.start(
            dir.resolve("replicate.log"),
            "replicate",
            "-restore-if-db-not-exists",
            "-exec",
            "touch " + started,
            db.toString(),
            replica.toUri().toString());
    try {
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
          .as("replicate stops by itself")
          .isTrue();
    } finally {
      p.destroyForcibly();
    }
    String log = Files.readString(dir.resolve("replicate.log"));
    assertThat(p.exitValue()).as(log).isEqualTo(1);
    assertThat(log).contains("cannot restore " + db, "failed verification");
    assertThat(db).doesNotExist();
    assertThat(started).as("the application was not started").doesNotExist();
  }

  /**
   * {@code -force} over a database another process has open (in WAL mode) would leave that process
   * writing to the replaced file, its commits lost: refused, the database untouched; once the
   * process has closed it, the restore goes ahead.
   */
  @Test
  void forceRefusesADatabaseThatAnotherProcessHasOpen() throws Exception {
    Path db = dir.resolve("in-use.db");
    SqliteCli.create()
        .run(db, "PRAGMA journal_mode=wal; CREATE TABLE mine(v); INSERT INTO mine VALUES (1);");
    Process app = new ProcessBuilder("sqlite3", db.toString()).redirectErrorStream(true).start();
    try (var toApp = new java.io.PrintWriter(app.getOutputStream(), true, StandardCharsets.UTF_8);
        var fromApp =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
      toApp.println("SELECT 'open', count(*) FROM mine;");
      assertThat(fromApp.readLine())
          .as("the application has the database open")
          .isEqualTo("open|1");

      CliRun refused = CliRun.of("restore", "-force", "-o", db, url);

      expectError(refused, "is open in another process", "stop the application first");
      assertThat(DbCompare.dump(db)).anyMatch(l -> l.contains("CREATE TABLE mine"));
      toApp.println(".quit");
      assertThat(app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      app.destroyForcibly();
    }
    CliRun forced = CliRun.of("restore", "-force", "-o", db, url);
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    DbCompare.assertSameContent(last().dump(), DbCompare.dump(db), "restored once closed");
  }

  private static void expectError(CliRun r, String... fragments) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).as(r.toString()).contains(fragments);
  }

  /**
   * The checksum chain proves a restore, so sqlite-jdbc (and its native library extraction, a good
   * part of a small restore's time) is not loaded unless an integrity check is asked for; the
   * result is still verified: a restore whose checksums were not proven would run a quick check
   * (and load sqlite-jdbc) by itself.
   */
  @Test
  void aRestoreProvedByItsChecksumsDoesNotLoadSqliteUnlessAskedTo() throws Exception {
    Path out = dir.resolve("nosqlite.db");
    List<String> plain =
        classesLoaded(dir.resolve("plain.log"), "restore", "-o", out.toString(), url);
    assertThat(plain).isNotEmpty().noneMatch(c -> c.startsWith("org.sqlite."));
    if (maxTxid == last().txid()) {
      assertContent(out, last());
    }
    Path checked = dir.resolve("checked.db");
    List<String> withCheck =
        classesLoaded(
            dir.resolve("checked.log"),
            "restore",
            "-integrity-check",
            "quick",
            "-o",
            checked.toString(),
            url);
    assertThat(withCheck).anyMatch(c -> c.startsWith("org.sqlite."));
  }

  /** Runs the CLI in a new JVM and returns the names of the classes it loaded. */
  private static List<String> classesLoaded(Path log, String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir(log).resolve("out.txt").toFile())
            .start();
    if (!p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          "the restore did not finish within 2 minutes: " + String.join(" ", args));
    }
    assertThat(p.exitValue()).as(Files.readString(dir(log).resolve("out.txt"))).isZero();
    return Files.readAllLines(log).stream()
        .map(l -> l.replaceFirst("^\\S+ ", "").split(" ")[0])
        .toList();
  }

  private static Path dir(Path log) {
    return log.getParent();
  }
}
