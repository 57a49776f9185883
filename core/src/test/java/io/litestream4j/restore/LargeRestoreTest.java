package io.litestream4j.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.Restorer;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database large enough that the restore reads its snapshot ahead on a second thread (over 8 MiB
 * of pages) restores to exactly the source: same content, same checksum, {@code integrity_check}
 * ok, with the later transactions merged over the snapshot.
 */
class LargeRestoreTest {
  @TempDir Path dir;

  @Test
  void aLargeSnapshotAndLaterTransactionsRestoreExactly() throws Exception {
    Path db = dir.resolve("source.db");
    Path replica = dir.resolve("replica");
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
        st.execute(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)"
                + " INSERT INTO t (body) SELECT randomblob(600) || zeroblob(400) FROM c");
      }
      ReplicationOptions opts =
          ReplicationOptions.of(db, replica.toUri().toString())
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50)))
              .withStore(StoreOptions.DEFAULTS.withBackground(false));
      try (Replication r = Replication.start(opts)) {
        r.syncAndAwait(Duration.ofSeconds(60));
        try (Statement st = app.createStatement()) {
          st.execute("UPDATE t SET body = randomblob(900) WHERE id % 97 = 0");
          st.execute("INSERT INTO t (body) SELECT randomblob(1000) FROM t WHERE id < 300");
        }
        r.syncAndAwait(Duration.ofSeconds(60));
      }
    }
    List<String> dump = DbCompare.dump(db);
    long checksum = L0Restore.logicalChecksum(db, dir.resolve("scratch"));

    Path out = dir.resolve("restored.db");
    RestoreResult r = new Restorer(new FileReplicaClient(replica)).restore(RestoreOptions.of(out));

    assertThat(r.plan().files()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(Files.size(out)).isGreaterThan(16L << 20);
    assertThat(r.checksumVerified()).isTrue();
    assertThat(DatabaseChecksum.of(out)).isEqualTo(checksum);
    DbCompare.assertSameContent(dump, DbCompare.dump(out), "restored");
    DbCompare.assertIntegrity(out);
  }
}
