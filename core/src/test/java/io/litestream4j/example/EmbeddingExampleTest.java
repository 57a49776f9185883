package io.litestream4j.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.testing.L0Restore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding example, verbatim apart from the paths: it may use nothing but the public
 * API of {@code io.litestream4j}. (The replica is checked afterwards with the test oracle.)
 */
class EmbeddingExampleTest {
  @TempDir Path dir;

  @Test
  void readmeExample() throws Exception {
    Path dbPath = dir.resolve("app.db");
    String replicaUrl = dir.resolve("backups/app").toUri().toString();

    // --- README example starts ---
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + dbPath);
        Replication replication =
            Replication.start(
                ReplicationOptions.of(dbPath, replicaUrl).withSyncInterval(Duration.ZERO))) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)");
        st.execute("INSERT INTO orders (item) VALUES ('coffee'), ('tea')");
      }
      long txid = replication.sync(); // covers every commit so far
      replication.awaitReplicated(txid, Duration.ofSeconds(10)); // ...and now it is on the replica
    } // close(): final sync, uploads retried for shutdown-sync-timeout
    // --- README example ends ---

    L0Restore.assertReplicaEquals(dir.resolve("backups/app"), dbPath);
  }

  @Test
  void closeUploadsWhatWasCommittedWithoutAnExplicitSync() throws Exception {
    Path dbPath = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + dbPath)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (v)");
      }
      Replication r = Replication.start(ReplicationOptions.of(dbPath, replica.toUri().toString()));
      try (Statement st = app.createStatement()) {
        st.execute("INSERT INTO t VALUES ('committed just before close')");
      }
      assertThat(r.shutdown()).as("everything committed reached the replica").isTrue();
    }
    L0Restore.assertReplicaEquals(replica, dbPath);
  }
}
