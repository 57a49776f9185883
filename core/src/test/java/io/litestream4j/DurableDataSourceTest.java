package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The durability mode: a commit through {@link DurableDataSource} returns only when the replica
 * already holds it, proven by rebuilding the replica right after the call returned (before any
 * further sync could have run), and fails loudly when the replica cannot confirm.
 */
class DurableDataSourceTest {
  @TempDir Path dir;

  @Test
  void commitReturnsOnlyWhenTheReplicaHoldsTheTransaction() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    SQLiteDataSource plain =
        walDatabase(db, "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)");
    // A long sync interval: without the wrapper nothing would reach the replica during the test.
    try (Replication replication =
        Replication.start(
            ReplicationOptions.of(db, replica.toUri().toString())
                .withSyncInterval(Duration.ofMinutes(10)))) {
      var durable = DurableDataSource.wrap(plain, replication, Duration.ofSeconds(20));
      try (Connection c = durable.getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (item) VALUES (?)")) {
          for (int i = 0; i < 50; i++) {
            ps.setString(1, "item-" + i);
            ps.executeUpdate();
          }
        }
        c.commit();
        assertReplicaHoldsSource(replica, db, dir.resolve("check1.db"));

        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
          st.executeUpdate("UPDATE orders SET item = item || '!' WHERE id % 7 = 0");
        }
        assertReplicaHoldsSource(replica, db, dir.resolve("check2.db"));
        assertThat(c.isWrapperFor(Connection.class)).isTrue();
      }
    }
  }

  @Test
  void aReplicaThatCannotConfirmFailsTheCommitWithAClearState() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    SQLiteDataSource plain = walDatabase(db, "CREATE TABLE t (v)");
    try (Replication replication =
        Replication.start(
            ReplicationOptions.of(db, replica.toUri().toString())
                .withSyncInterval(Duration.ZERO)
                .withShutdownSync(Duration.ofMillis(200), Duration.ofMillis(50)))) {
      replication.syncAndAwait(Duration.ofSeconds(20));
      // The replica's level-0 directory becomes a regular file: every upload now fails for real.
      Path l0 = replica.resolve("ltx/0");
      try (var files = Files.list(l0)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(l0);
      Files.writeString(l0, "not a directory");

      try (Connection c =
              DurableDataSource.wrap(plain.getConnection(), replication, Duration.ofMillis(700));
          Statement st = c.createStatement()) {
        assertThatThrownBy(() -> st.executeUpdate("INSERT INTO t VALUES ('kept locally')"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("committed locally")
            .satisfies(
                e ->
                    assertThat(((SQLException) e).getSQLState())
                        .isEqualTo(DurableDataSource.NOT_REPLICATED_SQLSTATE));
      }
      try (Connection c = plain.getConnection();
          Statement st = c.createStatement();
          var rs = st.executeQuery("SELECT count(*) FROM t WHERE v = 'kept locally'")) {
        assertThat(rs.getInt(1)).as("the local commit stands").isEqualTo(1);
      }
    }
  }

  private static SQLiteDataSource walDatabase(Path db, String schema) throws SQLException {
    SQLiteDataSource plain = new SQLiteDataSource();
    plain.setUrl("jdbc:sqlite:" + db);
    plain.setJournalMode("WAL");
    try (Connection setup = plain.getConnection();
        Statement st = setup.createStatement()) {
      st.execute(schema);
    }
    return plain;
  }

  private static void assertReplicaHoldsSource(Path replica, Path source, Path scratch)
      throws Exception {
    L0Restore.restore(replica.resolve("ltx/0"), Long.MAX_VALUE, scratch);
    assertThat(DbCompare.dump(scratch)).isEqualTo(DbCompare.dump(source));
    Files.deleteIfExists(scratch);
  }
}
