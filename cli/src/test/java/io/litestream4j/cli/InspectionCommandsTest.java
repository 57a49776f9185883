package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.restore.RestoreFixtures;
import io.litestream4j.restore.RestoreFixtures.History;
import io.litestream4j.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ltx} (and {@code wal}), {@code databases}, {@code status} and {@code reset}: the same
 * output shapes as Litestream, in text and JSON, from a real replicated database.
 */
class InspectionCommandsTest {
  @TempDir static Path shared;
  static History history;
  static Path config;
  static String url;

  @TempDir Path dir;

  @BeforeAll
  static void replicate() throws Exception {
    history = RestoreFixtures.replicate(shared, 4, 5);
    url = history.replica().toUri().toString();
    Files.createDirectories(shared.resolve("dbs"));
    Files.writeString(shared.resolve("fresh.db"), "");
    config = shared.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        dbs:
          - path: %s
            replica:
              url: %s
          - path: %s
            replica:
              type: file
              path: %s
          - path: %s
            replica:
              url: s3://bucket/gone
          - dir: %s
            pattern: "*.db"
            replica:
              url: file://%s
        """
            .formatted(
                history.db(),
                url,
                shared.resolve("fresh.db"),
                shared.resolve("fresh-replica"),
                shared.resolve("gone.db"),
                shared.resolve("dbs"),
                shared.resolve("dirs-replica")));
  }

  @Test
  void ltxListsTheReplicasFilesAsTableAndJson() throws Exception {
    List<LtxFileInfo> files = history.client().ltxFiles(0, 0);
    CliRun text = CliRun.of("ltx", url);
    assertThat(text.exitCode()).as(text.toString()).isZero();
    List<String> lines = text.out().lines().toList();
    assertThat(lines.getFirst()).matches("level  min_txid {10}max_txid {10}size +created");
    assertThat(lines).hasSize(files.size() + 1);
    LtxFileInfo first = files.getFirst();
    assertThat(lines.get(1))
        .matches(
            "0      0000000000000001  0000000000000001  "
                + first.size()
                + " +"
                + Rfc3339.format(first.createdAt()));

    CliRun json = CliRun.of("ltx", "-json", url);
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(json.out())
        .startsWith(
            """
        [
          {
            "level": 0,
            "min_txid": "0000000000000001",
            "max_txid": "0000000000000001",
            "size": %d,
            "timestamp": "%s"
          },
        """
                .formatted(first.size(), Rfc3339.format(first.createdAt())));

    CliRun byConfig = CliRun.of("ltx", "-config", config, history.db());
    assertThat(byConfig.exitCode()).as(byConfig.toString()).isZero();
    assertThat(byConfig.out()).isEqualTo(text.out());

    CliRun wal = CliRun.of("wal", url);
    assertThat(wal.exitCode()).isZero();
    assertThat(wal.err())
        .contains("Warning: 'wal' command is deprecated, please use 'ltx' instead");
    assertThat(wal.out()).isEqualTo(text.out());
  }

  @Test
  void ltxLevelsSelectOneLevelOrAll() throws Exception {
    Path replica = dir.resolve("replica");
    TestFiles.copyTree(history.replica(), replica);
    FileReplicaClient client = new FileReplicaClient(replica);
    RestoreFixtures.compact(client, 0, 1, 3, 9);
    CliRun snapshots = CliRun.of("ltx", "-level", "9", replica.toUri());
    assertThat(snapshots.out().lines().skip(1).toList())
        .singleElement()
        .asString()
        .startsWith("9      0000000000000001  0000000000000003  ");
    CliRun all = CliRun.of("ltx", "-level", "all", replica.toUri());
    assertThat(all.out().lines().count()).isEqualTo(1 + client.ltxFiles(0, 0).size() + 1);
    assertThat(all.out().lines().toList().getLast()).startsWith("9 ");
    CliRun bad = CliRun.of("ltx", "-level", "10", replica.toUri());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("Error: invalid -level value \"10\": use 0-9 or \"all\"");
    CliRun none = CliRun.of("ltx");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).contains("Error: database path or replica URL required");
  }

  @Test
  void databasesListsConfiguredDatabasesAndReplicaTypes() {
    CliRun text = CliRun.of("databases", "-config", config);
    assertThat(text.exitCode()).as(text.toString()).isZero();
    int w = history.db().toString().length();
    assertThat(text.out().lines().toList())
        .containsExactly(
            pad("path", w) + "replica",
            pad(history.db().toString(), w) + "file",
            pad(shared.resolve("fresh.db").toString(), w) + "file",
            pad(shared.resolve("gone.db").toString(), w) + "s3",
            pad(shared.resolve("dbs").toString(), w) + "file");
    CliRun json = CliRun.of("databases", "-json", "-config", config);
    assertThat(json.out())
        .startsWith(
            """
        [
          {
            "path": "%s",
            "replica": "file"
          },
        """
                .formatted(history.db()));
  }

  @Test
  void statusReportsLocalStateWithoutTouchingTheReplica() throws Exception {
    List<Long> txids = new LocalLtxDir(LocalLtxDir.defaultMetaDir(history.db())).txids();
    Path wal = history.db().resolveSibling(history.db().getFileName() + "-wal");
    String walSize = Files.exists(wal) ? HumanBytes.format(Files.size(wal)) : "0 B";
    CliRun json = CliRun.of("status", "-json", "-config", config);
    assertThat(json.exitCode()).as(json.toString()).isZero();
    assertThat(json.out())
        .isEqualTo(
            """
        [
          {
            "database": "%s",
            "status": "ok",
            "local_txid": "%s",
            "wal_size": "%s"
          },
          {
            "database": "%s",
            "status": "not initialized",
            "local_txid": "-",
            "wal_size": "0 B"
          },
          {
            "database": "%s",
            "status": "no database",
            "local_txid": "-",
            "wal_size": "-"
          }
        ]
        """
                .formatted(
                    history.db(),
                    Txid.format(txids.getLast()),
                    walSize,
                    shared.resolve("fresh.db"),
                    shared.resolve("gone.db")));

    CliRun one = CliRun.of("status", "-config", config, shared.resolve("gone.db"));
    assertThat(one.out().lines().toList())
        .containsExactly(
            pad("database", shared.resolve("gone.db").toString().length())
                + "status       local txid  wal size",
            shared.resolve("gone.db") + "  no database  -           -");
  }

  @Test
  void resetRemovesLocalStateOnlyAndDryRunRemovesNothing() throws Exception {
    Path db = dir.resolve("copy.db");
    Files.copy(history.db(), db);
    Path meta = LocalLtxDir.defaultMetaDir(db);
    TestFiles.copyTree(LocalLtxDir.defaultMetaDir(history.db()), meta);
    List<Long> txids = new LocalLtxDir(meta).txids();
    assertThat(txids).isNotEmpty();

    CliRun dry = CliRun.of("reset", "-dry-run", db);
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out())
        .startsWith(
            "Dry run: local Litestream state would be reset for: "
                + db
                + "\n"
                + "Would remove: "
                + meta.resolve("ltx")
                + "\nFiles that would be removed:\n  "
                + new LocalLtxDir(meta).path(txids.getFirst())
                + "\n")
        .endsWith("No files were removed.\n");
    assertThat(new LocalLtxDir(meta).txids()).isEqualTo(txids);

    byte[] before = Files.readAllBytes(db);
    CliRun reset = CliRun.of("reset", db);
    assertThat(reset.exitCode()).as(reset.toString()).isZero();
    assertThat(reset.out())
        .isEqualTo(
            "Resetting local Litestream state for: "
                + db
                + "\nRemoving: "
                + meta.resolve("ltx")
                + "\nReset complete. The next replication sync continues from the replica's latest state"
                + " if the database still matches it, and uploads a full snapshot if not.\n");
    assertThat(meta.resolve("ltx")).doesNotExist();
    assertThat(Files.readAllBytes(db)).isEqualTo(before);

    Path bare = Files.writeString(dir.resolve("bare.db"), "");
    CliRun nothing = CliRun.of("reset", bare);
    assertThat(nothing.out())
        .isEqualTo(
            "No local state to reset for "
                + bare
                + "\nMeta directory does not exist: "
                + LocalLtxDir.defaultMetaDir(bare)
                + "\n");
    CliRun missing = CliRun.of("reset", dir.resolve("nope.db"));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("Error: database does not exist: " + dir.resolve("nope.db"));
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length() + 2);
  }
}
