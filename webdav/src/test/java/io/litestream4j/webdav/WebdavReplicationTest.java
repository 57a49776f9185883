package io.litestream4j.webdav;

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
 * Replication to {@code rclone serve webdav} and back: every few captured TXIDs must restore
 * exactly (content, checksum, integrity), also when the server is stopped and started again in
 * the middle of replication.
 */
class WebdavReplicationTest {

  private static final Duration ACK = Duration.ofSeconds(90);

  @TempDir Path dir;
  RcloneWebdavServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = RcloneWebdavServer.start(dir);
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void replicateThenRestoreEveryCapturedTxid() throws Exception {
    var trip = new ReplicationRoundTrip(dir);
    Map<Long, Expected> expected = trip.replicate(new WebdavReplicaClient(server.settings("apps/app")), 20, 7, ACK,
        ReplicationRoundTrip.RoundHook.NONE);
    try (var reader = new WebdavReplicaClient(server.settings("apps/app"))) {
      trip.assertRestores(reader, expected, 4);
    }
  }

  @Test
  void nothingIsLostWhenTheServerRestartsMidReplication() throws Exception {
    var trip = new ReplicationRoundTrip(dir);
    Map<Long, Expected> expected = trip.replicate(new WebdavReplicaClient(server.settings("restarted")), 12, 13, ACK,
        (round, r, db) -> {
          if (round == 5) {
            server.stop();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
              st.execute("PRAGMA busy_timeout=5000");
              st.execute("INSERT INTO t (note) VALUES ('written while the server is down')");
            }
            r.sync();
            Await.until(() -> r.replicaError().isPresent(), Duration.ofSeconds(60), "an upload to fail while rclone is down");
            server.restart();
          }
        });
    try (var reader = new WebdavReplicaClient(server.settings("restarted"))) {
      trip.assertRestores(reader, expected, 3);
    }
  }
}
