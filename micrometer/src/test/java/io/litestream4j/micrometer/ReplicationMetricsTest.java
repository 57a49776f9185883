package io.litestream4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binder reports the live replication: TXIDs move with commits, and lag returns to zero. */
class ReplicationMetricsTest {
  @TempDir Path dir;

  @Test
  void metersFollowReplication() throws Exception {
    Path db = dir.resolve("app.db");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Replication r =
            Replication.start(
                ReplicationOptions.of(db, dir.resolve("replica").toUri().toString())
                    .withSyncInterval(Duration.ZERO))) {
      new ReplicationMetrics(r).bindTo(registry);
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("CREATE TABLE t (v)");
        for (int i = 0; i < 5; i++) {
          st.execute("INSERT INTO t VALUES (" + i + ")");
        }
      }
      long txid = r.syncAndAwait(Duration.ofSeconds(20));
      String tag = db.toAbsolutePath().toString();
      assertThat(registry.get("litestream.txid").tag("db", tag).gauge().value()).isEqualTo(txid);
      assertThat(registry.get("litestream.replica.txid").tag("db", tag).gauge().value())
          .isGreaterThanOrEqualTo(txid);
      assertThat(registry.get("litestream.replication.lag.txids").tag("db", tag).gauge().value())
          .isZero();
      assertThat(registry.get("litestream.sync.count").tag("db", tag).functionCounter().count())
          .isPositive();
      assertThat(registry.get("litestream.replica.error").tag("db", tag).gauge().value()).isZero();
    }
  }
}
