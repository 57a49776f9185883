package io.litestream4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery, replica locations and state directories of {@code dir} entries, as Litestream 0.5
 * derives them.
 */
class DirectoryEntryTest {
  @TempDir Path tmp;

  private DbConfig entry(String extra, String replica) {
    return ConfigLoader.parse(
            """
        dbs:
          - dir: /data
            pattern: "*.db"
        %s
            replica:
        %s
        """
                .formatted(extra, replica),
            "test",
            false,
            Map.of())
        .config()
        .dbs()
        .getFirst();
  }

  @Test
  void replicaLocationIsTheConfiguredOneWithTheRelativePathAppended() {
    Path db = Path.of("/data/tenants/a.db");
    assertThat(
            new DirectoryEntry(
                    entry("    recursive: true", "      url: s3://bucket/prefix?region=x"))
                .forDatabase(db)
                .replica()
                .describe())
        .isEqualTo("s3://bucket/prefix/tenants/a.db?region=x");
    assertThat(
            new DirectoryEntry(entry("    recursive: true", "      url: s3://bucket"))
                .forDatabase(db)
                .replica()
                .describe())
        .isEqualTo("s3://bucket/tenants/a.db");
    assertThat(
            new DirectoryEntry(entry("    recursive: true", "      url: file:///backups"))
                .forDatabase(db)
                .replica()
                .describe())
        .isEqualTo("file:///backups/tenants/a.db");
    assertThat(
            new DirectoryEntry(
                    entry("    recursive: true", "      type: file\n      path: /backups"))
                .forDatabase(db)
                .replica()
                .path())
        .contains("/backups/tenants/a.db");
    DbConfig s3 =
        new DirectoryEntry(
                entry(
                    "    recursive: true",
                    "      type: s3\n      bucket: b\n      path: tenants-root"))
            .forDatabase(db);
    assertThat(s3.replica().path()).contains("tenants-root/tenants/a.db");
    assertThat(s3.path()).contains(db);
    assertThat(s3.dir()).isEmpty();
  }

  @Test
  void stateDirectoriesFollowLitestream() {
    Path db = Path.of("/data/tenants/a.db");
    assertThat(
            new DirectoryEntry(entry("    recursive: true", "      url: file:///r"))
                .forDatabase(db)
                .resolvedMetaPath())
        .isEqualTo(Path.of("/data/tenants/.a.db-litestream"));
    assertThat(
            new DirectoryEntry(
                    entry("    recursive: true\n    meta-path: /meta", "      url: file:///r"))
                .forDatabase(db)
                .resolvedMetaPath())
        .isEqualTo(Path.of("/meta/tenants/.a.db-litestream"));
    assertThat(
            new DirectoryEntry(
                    entry("    recursive: true\n    meta-dir: /meta", "      url: file:///r"))
                .forDatabase(db)
                .resolvedMetaPath())
        .isEqualTo(Path.of("/meta/tenants/a.db-litestream"));
  }

  @Test
  void metaPathCollisionsAreRejected() {
    DbConfig a = DbConfig.forPath(Path.of("/x/a.db"), ReplicaConfig.forUrl("file:///r/a"));
    DbConfig b =
        entry("    meta-path: /x/.a.db-litestream", "      url: file:///r")
            .discovered(
                Path.of("/data/b.db"),
                java.util.Optional.of(Path.of("/x/.a.db-litestream")),
                ReplicaConfig.forUrl("file:///r/b"));
    assertThatThrownBy(() -> DirectoryEntry.requireDistinctMetaPaths(List.of(a, b)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("meta-path collision")
        .hasMessageContaining("/x/a.db")
        .hasMessageContaining("/data/b.db");
  }

  /** A {@code dir} entry for {@code dir} with pattern {@code *.db}, plus {@code extra} keys. */
  private static DbConfig dirEntry(Path dir, String extra) {
    return ConfigLoader.parse(
            "dbs:\n  - dir: "
                + dir
                + "\n    pattern: \"*.db\"\n"
                + extra
                + "    replica:\n      url: file:///r\n",
            "t",
            false,
            Map.of())
        .config()
        .dbs()
        .getFirst();
  }

  @Test
  void scanFindsMatchingSqliteFilesOnlyAndRecursesOnlyWhenAsked() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("d/sub"));
    byte[] header =
        "SQLite format 3\0rest-of-header".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(tmp.resolve("d/a.db"), header);
    Files.write(tmp.resolve("d/a.db-wal"), header);
    Files.write(tmp.resolve("d/b.sqlite"), header);
    Files.writeString(tmp.resolve("d/fake.db"), "hello");
    Files.write(tmp.resolve("d/empty.db"), new byte[0]);
    Files.write(dir.resolve("c.db"), header);
    DbConfig flat = dirEntry(tmp.resolve("d"), "");
    assertThat(new DirectoryEntry(flat).scan()).containsExactly(tmp.resolve("d/a.db"));
    DbConfig deep = dirEntry(tmp.resolve("d"), "    recursive: true\n");
    assertThat(new DirectoryEntry(deep).scan())
        .containsExactly(tmp.resolve("d/a.db"), dir.resolve("c.db"));
  }

  /**
   * Reading a file's header opens and closes a descriptor, and closing any descriptor of a file
   * releases every POSIX lock this process holds on it — SQLite's too. The periodic rescan of a
   * watched directory must therefore not read the databases this process already replicates: it
   * dropped the replicator's SHARED lock on every one of them every 10 s.
   */
  @Test
  void aRescanDoesNotTouchTheDatabasesItIsToldAreKnown() throws Exception {
    io.litestream4j.testing.ProcLocks.assumeAvailable();
    Path dir = Files.createDirectories(tmp.resolve("held"));
    Path db = dir.resolve("a.db");
    DbConfig cfg = dirEntry(dir, "");
    long pid = ProcessHandle.current().pid();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t(x)");
      assertThat(io.litestream4j.testing.ProcLocks.holdsShared(pid, db)).isTrue();

      assertThat(new DirectoryEntry(cfg).scan(dir, db::equals)).containsExactly(db);
      assertThat(io.litestream4j.testing.ProcLocks.holdsShared(pid, db))
          .as("this process's SQLite lock on a known database after a rescan")
          .isTrue();
    }
  }

  @Test
  void restoreByPathFindsDirectoryDatabases() {
    Config cfg =
        ConfigLoader.parse(
                """
        dbs:
          - dir: /data
            pattern: "t-*.db"
            replica:
              url: file:///r
        """,
                "t",
                false,
                Map.of())
            .config();
    assertThat(cfg.db(Path.of("/data/t-1.db")).orElseThrow().replica().describe())
        .isEqualTo("file:///r/t-1.db");
    assertThat(cfg.db(Path.of("/data/x.db"))).isEmpty();
    assertThat(cfg.db(Path.of("/data/sub/t-1.db"))).as("not recursive").isEmpty();
  }

  @Test
  void goGlobSemantics() {
    assertThat(GoGlob.compile("*.db").matches("a.db")).isTrue();
    assertThat(GoGlob.compile("*.db").matches("a.db-wal")).isFalse();
    assertThat(GoGlob.compile("t-?.db").matches("t-1.db")).isTrue();
    assertThat(GoGlob.compile("t-?.db").matches("t-12.db")).isFalse();
    assertThat(GoGlob.compile("[a-c]*.db").matches("b1.db")).isTrue();
    assertThat(GoGlob.compile("[^a-c]*.db").matches("b1.db")).isFalse();
    assertThat(GoGlob.compile("\\*.db").matches("*.db")).isTrue();
    assertThat(GoGlob.compile("{a,b}.db").matches("a.db")).as("no braces in Go").isFalse();
    assertThatThrownBy(() -> GoGlob.compile("[a-")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "dbs:\n  - dir: /d\n    pattern: \"[x\"\n    replica:\n"
                        + "      url: file:///r\n",
                    "t",
                    false,
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pattern");
  }
}
