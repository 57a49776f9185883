package io.litestream4j.abs;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.Restorer;
import io.litestream4j.config.DbOptions;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.LitestreamVfs;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Either tool restores the other's Azure Blob replicas: the official Litestream VFS 0.5.17 (a Go
 * build of Litestream) writes an {@code abs://} replica on azurite that litestream4j restores, and
 * reads the replica litestream4j writes. The VFS can only address production Azure, so it reaches
 * azurite through {@link AzureProductionFront}.
 */
class AbsLitestreamInteropTest {

  private static final AtomicInteger CONTAINERS = new AtomicInteger();
  private static final List<String> VFS_SCRIPTS =
      List.of(
          """
      CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, payload BLOB);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
        INSERT INTO t(name, payload) SELECT 'row' || i, randomblob(200 + i % 700) FROM n;
      """,
          "UPDATE t SET name = upper(name) WHERE id % 7 = 0; CREATE INDEX t_name ON t(name);",
          "DELETE FROM t WHERE id > 200; INSERT INTO t(name, payload) VALUES ('late', zeroblob(5000));");
  private static final String PROBE =
      "SELECT count(*), sum(length(payload)) FROM t;\n"
          + "SELECT id, name, hex(payload) FROM t ORDER BY id;\n";

  static AzuriteServer server;
  static AzureProductionFront front;
  @TempDir static Path work;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = AzuriteServer.start();
    front = AzureProductionFront.start(server, work);
  }

  @AfterAll
  static void stop() throws Exception {
    if (front != null) {
      front.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static String newContainer() {
    String name = "interop-" + CONTAINERS.incrementAndGet();
    server.createContainer(name);
    return name;
  }

  private static Map<String, String> vfsEnvironment() {
    var env = new HashMap<>(front.clientEnvironment());
    env.put("LITESTREAM_AZURE_ACCOUNT_KEY", AzuriteServer.KEY);
    return env;
  }

  private static String vfsUrl(String container) {
    return "abs://" + AzuriteServer.ACCOUNT + "@" + container + "/db";
  }

  @Test
  void aReplicaWrittenByLitestreamRestoresHere() throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    String container = newContainer();
    for (String script : VFS_SCRIPTS) {
      vfs.write(vfsUrl(container), vfsEnvironment(), script);
    }
    try (AbsReplicaClient client = AbsReplicaClient.create(server.settings(container, "db"))) {
      List<LtxFileInfo> files = client.ltxFiles(0, 0);
      assertThat(files).extracting(LtxFileInfo::maxTxid).containsExactly(1L, 2L, 3L);
      Path restored = dir.resolve("restored.db");
      RestoreResult r =
          new Restorer(client)
              .restore(
                  RestoreOptions.of(restored)
                      .withIntegrityCheck(RestoreOptions.IntegrityCheck.FULL));
      assertThat(r.txid()).isEqualTo(3);
      String expected = vfs.query(vfsUrl(container), vfsEnvironment(), PROBE);
      assertThat(expected).startsWith("201|");
      assertThat(SqliteCli.create().run(restored, PROBE)).isEqualTo(expected);
      DbCompare.assertIntegrity(restored);
    }
  }

  @Test
  void litestreamReadsAReplicaWrittenHere() throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    String container = newContainer();
    Path db = dir.resolve("app.db");
    long txid;
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, payload BLOB)");
      ReplicationOptions opts =
          ReplicationOptions.of(db, vfsUrl(container))
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50)));
      try (Replication r =
          Replication.start(opts, AbsReplicaClient.create(server.settings(container, "db")))) {
        st.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) "
                + "INSERT INTO t(name, payload) SELECT 'row' || i, randomblob(100 + i % 900) FROM n");
        st.execute("UPDATE t SET name = upper(name) WHERE id % 5 = 0");
        st.execute("DELETE FROM t WHERE id % 11 = 0");
        txid = r.syncAndAwait(Duration.ofSeconds(60));
      }
    }
    String expected = SqliteCli.create().run(db, PROBE);
    Map<String, String> env = vfsEnvironment();
    assertThat(vfs.query(vfsUrl(container), env, PROBE)).isEqualTo(expected);
    assertThat(vfs.query(vfsUrl(container), env, "PRAGMA integrity_check;")).isEqualTo("ok\n");
    assertThat(vfs.query(vfsUrl(container), env, "SELECT litestream_txid();").strip())
        .isEqualTo("%016x".formatted(txid));

    // The whole database as the VFS decodes it equals the source, row for row.
    Path copy = dir.resolve("vfs-copy.db");
    vfs.query(vfsUrl(container), env, "VACUUM INTO 'file:" + copy + "?vfs=unix';");
    assertThat(Files.exists(copy)).isTrue();
    DbCompare.assertSameContent(db, copy);
    DbCompare.assertIntegrity(copy);
  }
}
