package io.litestream4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.DbCompare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code dir} entry through the command line: {@code replicate -once} replicates every database
 * found (replica path = replica URL + relative path), {@code databases} and {@code status} list
 * them, and {@code restore -config} restores one by its path — which Litestream cannot.
 */
class DirectoryCommandsTest {
  @TempDir Path tmp;

  @Test
  void directoryDatabasesReplicateListAndRestoreByPath() throws Exception {
    Path data = tmp.resolve("data");
    Path nested = data.resolve("tenants/acme/app.db");
    Path top = data.resolve("top.db");
    createDb(nested, "acme");
    createDb(top, "top");
    Files.writeString(data.resolve("notes.db"), "not a database");
    Path config = tmp.resolve("litestream.yml");
    Files.writeString(
        config,
        """
        dbs:
          - dir: %s
            pattern: "*.db"
            recursive: true
            replica:
              url: file://%s
        """
            .formatted(data, tmp.resolve("replicas")));

    CliRun once = CliRun.of("replicate", "-once", "-config", config);
    assertThat(once.exitCode()).as(once.toString()).isZero();
    assertThat(tmp.resolve("replicas/tenants/acme/app.db/ltx/0")).isDirectory();
    assertThat(tmp.resolve("replicas/top.db/ltx/0")).isDirectory();
    assertThat(tmp.resolve("replicas/notes.db")).doesNotExist();

    CliRun dbs = CliRun.of("databases", "-config", config);
    assertThat(dbs.out())
        .contains(nested.toString())
        .contains(top.toString())
        .doesNotContain("notes.db");
    CliRun status = CliRun.of("status", "-config", config, nested);
    assertThat(status.out()).contains(nested.toString()).contains("ok");

    Path out = tmp.resolve("restored.db");
    CliRun restore = CliRun.of("restore", "-config", config, "-o", out, nested);
    assertThat(restore.exitCode()).as(restore.toString()).isZero();
    DbCompare.assertSameContent(nested, out);
    DbCompare.assertIntegrity(out);
  }

  private static void createDb(Path db, String owner) throws Exception {
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, owner TEXT, v BLOB)");
      st.execute(
          "INSERT INTO t (owner, v) VALUES ('"
              + owner
              + "', randomblob(500)), ('"
              + owner
              + "2', zeroblob(10))");
    }
  }
}
