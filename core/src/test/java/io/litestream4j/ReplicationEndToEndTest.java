package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.testing.ReplicationRoundTrip;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application writes through JDBC — including its own checkpoints of every mode, VACUUM and
 * large deletes — while replication runs in-process. At many TXIDs the source is captured; the
 * replica's files up to each TXID must rebuild exactly that database (content, rolling checksum,
 * integrity).
 */
class ReplicationEndToEndTest {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedTxidRestoresToTheSourceAsItWasThen() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    Map<Long, ReplicationRoundTrip.Expected> expected = new LinkedHashMap<>();
    Random rnd = new Random(42);
    try (Connection app = ReplicationRoundTrip.openApp(db, 200)) {
      ReplicationOptions opts =
          ReplicationOptions.of(db, replica.toUri().toString())
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(
                  DbOptions.DEFAULTS
                      .withMonitorInterval(Duration.ofMillis(50))
                      .withMinCheckpointPageCount(64));
      try (Replication r = Replication.start(opts)) {
        for (int round = 0; round < 40; round++) {
          ReplicationRoundTrip.write(app, round, rnd, 400);
          long txid = r.syncAndAwait(Duration.ofSeconds(20));
          expected.put(txid, ReplicationRoundTrip.capture(db));
        }
      }
    }
    assertThat(expected).hasSizeGreaterThan(20);
    ReplicationRoundTrip.assertL0Restores(replica.resolve("ltx/0"), expected, dir);
  }
}
