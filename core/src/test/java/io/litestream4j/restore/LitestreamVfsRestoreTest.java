package io.litestream4j.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.LitestreamVfs;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas written by the official Litestream VFS 0.5.17 in write mode (genuine Litestream LTX
 * files: flag 0x2, no database checksums) restore here — latest and at points in time between its
 * files — and the restored database shows exactly what the VFS itself shows at the same moment.
 */
class LitestreamVfsRestoreTest {
  private static final List<String> SCRIPTS =
      List.of(
          """
      CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, payload BLOB);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
        INSERT INTO t(name, payload) SELECT 'row' || i, randomblob(200 + i % 700) FROM n;
      """,
          "UPDATE t SET name = upper(name) WHERE id % 7 = 0; CREATE INDEX t_name ON t(name);",
          "DELETE FROM t WHERE id > 200; INSERT INTO t(name, payload) VALUES ('late', zeroblob(5000));",
          """
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
        INSERT INTO t(name, payload) SELECT 'more' || i, randomblob(1000) FROM n;
      """,
          "DELETE FROM t WHERE id % 2 = 0; VACUUM;");
  private static final String PROBE =
      "SELECT count(*), sum(length(payload)) FROM t;\n"
          + "SELECT id, name, hex(payload) FROM t ORDER BY id;\n";

  @TempDir Path dir;

  @Test
  void replicasWrittenByLitestreamRestoreAndMatchTheVfsAtEveryPointInTime() throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    Path replica = Files.createDirectory(dir.resolve("replica"));
    for (String script : SCRIPTS) {
      vfs.write(replica, script);
    }
    FileReplicaClient client = new FileReplicaClient(replica);
    List<LtxFileInfo> files = client.ltxFiles(0, 0);
    assertThat(files).hasSize(SCRIPTS.size());
    Restorer restorer = new Restorer(client);

    Path latest = dir.resolve("latest.db");
    RestoreResult r = restorer.restore(RestoreOptions.of(latest));
    assertThat(r.txid()).isEqualTo(SCRIPTS.size());
    assertThat(r.checksumVerified()).isFalse();
    assertThat(r.integrityCheck()).isEqualTo(RestoreOptions.IntegrityCheck.QUICK);
    assertSameAsVfs(latest, vfs.query(replica, PROBE));

    for (int i = 0; i + 1 < files.size(); i++) {
      Instant at = files.get(i).createdAt();
      Instant next = files.get(i + 1).createdAt();
      Instant between = at.plusMillis((next.toEpochMilli() - at.toEpochMilli()) / 2);
      assertThat(between).isAfter(at).isBefore(next);
      Path out = dir.resolve("at-" + (i + 1) + ".db");
      RestoreResult pit =
          restorer.restore(
              RestoreOptions.of(out)
                  .withParallelism(1 + i % 3)
                  .withTarget(RestoreTarget.timestamp(between)));
      assertThat(pit.txid()).isEqualTo(i + 1);
      assertSameAsVfs(out, vfs.queryAt(replica, between.toString(), PROBE));
    }

    Path byTxid = dir.resolve("txid-3.db");
    restorer.restore(
        RestoreOptions.of(byTxid)
            .withTarget(RestoreTarget.txid(3))
            .withIntegrityCheck(RestoreOptions.IntegrityCheck.FULL));
    assertThat(DbCompare.dump(byTxid)).isEqualTo(DbCompare.dump(dir.resolve("at-3.db")));
  }

  private static void assertSameAsVfs(Path restored, String vfsOutput) {
    assertThat(vfsOutput).isNotBlank();
    assertThat(SqliteCli.create().run(restored, PROBE)).isEqualTo(vfsOutput);
    DbCompare.assertIntegrity(restored);
  }
}
