package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database growing past 1 GiB with 4 KiB pages crosses SQLite's lock page (page 262145), which
 * must never appear in an LTX file and must be skipped by every checksum. Slow: {@code -Pslow}.
 */
@Tag("slow")
class LockPageReplicationTest {
  @TempDir Path dir;

  @Test
  void databaseGrowingPastTheLockPageReplicatesExactly() throws Exception {
    Path db = dir.resolve("big.db");
    Path replica = dir.resolve("replica");
    Random rnd = new Random(1);
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA page_size=4096");
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
      }
      ReplicationOptions opts =
          ReplicationOptions.of(db, replica.toUri().toString())
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(DbOptions.DEFAULTS.withMinCheckpointPageCount(20_000));
      try (Replication r = Replication.start(opts)) {
        byte[] blob = new byte[1 << 20];
        app.setAutoCommit(false);
        try (PreparedStatement ps = app.prepareStatement("INSERT INTO t (body) VALUES (?)")) {
          for (int mb = 1; mb <= 1100; mb++) {
            rnd.nextBytes(blob);
            ps.setBytes(1, blob);
            ps.executeUpdate();
            if (mb % 64 == 0) {
              app.commit();
              r.syncAndAwait(Duration.ofMinutes(2));
            }
          }
        }
        app.commit();
        app.setAutoCommit(true);
        try (Statement st = app.createStatement()) {
          st.execute("UPDATE t SET body = zeroblob(10) WHERE id % 7 = 0");
        }
        r.syncAndAwait(Duration.ofMinutes(2));
      }
    }
    assertThat(Files.size(db)).isGreaterThan(1L << 30);
    Path out = dir.resolve("restored.db");
    long restored = L0Restore.restore(replica.resolve("ltx/0"), Long.MAX_VALUE, out);
    assertThat(restored).isEqualTo(L0Restore.logicalChecksum(db));
    assertThat(DatabaseChecksum.of(out)).isEqualTo(restored);
    DbCompare.assertIntegrity(out);
  }
}
