package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.TmpfsMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local state directory on a tiny tmpfs that fills up: the sync loop reports the typed
 * disk-full condition, leaves no partial files, keeps the application running, and recovers by
 * itself once space frees — with nothing lost.
 */
class DiskFullTest {
  @TempDir Path dir;
  @RegisterExtension final TmpfsMounts tmpfs = new TmpfsMounts();

  @Test
  void fullStateDirectoryIsReportedAndRecoveredFrom() throws Exception {
    Path meta = dir.resolve("meta");
    tmpfs.mountOrSkip(meta, "1m", "disk-full test skipped");
    Path filler = meta.resolve("filler");
    Files.write(filler, new byte[900 * 1024]);

    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
      }
      ReplicationOptions opts =
          ReplicationOptions.of(db, replica.toUri().toString())
              .withMetaDir(meta)
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(50)));
      try (Replication r = Replication.start(opts)) {
        r.syncAndAwait(Duration.ofSeconds(10));
        try (Statement st = app.createStatement()) {
          st.execute("INSERT INTO t (body) VALUES (randomblob(400000))");
        }
        Await.until(() -> r.stats().diskFull(), Duration.ofSeconds(20), "disk-full to be reported");
        assertThat(r.stats().diskFullFailures()).isPositive();
        assertThat(tempFiles(meta)).as("no half-written files").isEmpty();
        // The application is unaffected.
        try (Statement st = app.createStatement()) {
          st.execute("INSERT INTO t (body) VALUES ('still writing')");
        }

        Files.delete(filler);
        long txid = r.syncAndAwait(Duration.ofSeconds(60));
        assertThat(r.stats().diskFull()).isFalse();
        assertThat(r.replicatedTxid()).isGreaterThanOrEqualTo(txid);
      }
    }
    L0Restore.assertReplicaEquals(replica, db);
  }

  private static java.util.List<Path> tempFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }
}
