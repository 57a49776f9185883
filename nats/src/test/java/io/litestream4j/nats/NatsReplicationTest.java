package io.litestream4j.nats;

import io.litestream4j.testing.Await;
import io.litestream4j.testing.ReplicationRoundTrip;
import io.litestream4j.testing.ReplicationRoundTrip.Expected;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication to {@code nats-server -js} and back: every few captured TXIDs must restore exactly
 * (content, checksum, integrity), also when the server is stopped and started again (same port,
 * same JetStream store) in the middle of replication.
 */
class NatsReplicationTest {

  private static final Duration ACK = Duration.ofSeconds(90);

  @TempDir Path dir;
  NatsServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = NatsServer.start(dir);
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void replicateThenRestoreEveryCapturedTxid() throws Exception {
    server.createBucket("app");
    var trip = new ReplicationRoundTrip(dir);
    Map<Long, Expected> expected = trip.replicate(new NatsReplicaClient(server.settings("app")), 20, 7, ACK,
        ReplicationRoundTrip.RoundHook.NONE);
    try (var reader = new NatsReplicaClient(server.settings("app"))) {
      trip.assertRestores(reader, expected, 4);
    }
  }

  @Test
  void nothingIsLostWhenTheServerRestartsMidReplication() throws Exception {
    server.createBucket("restarted");
    var trip = new ReplicationRoundTrip(dir);
    Map<Long, Expected> expected = trip.replicate(new NatsReplicaClient(server.settings("restarted")), 12, 13, ACK,
        (round, r, db) -> {
          if (round == 5) {
            server.stop();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
              st.execute("PRAGMA busy_timeout=5000");
              st.execute("INSERT INTO t (note) VALUES ('written while the server is down')");
            }
            r.sync();
            Await.until(() -> r.replicaError().isPresent(), Duration.ofSeconds(60), "an upload to fail while nats-server is down");
            server.restart();
          }
        });
    try (var reader = new NatsReplicaClient(server.settings("restarted"))) {
      trip.assertRestores(reader, expected, 3);
    }
  }
}
