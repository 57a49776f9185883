package io.litestream4j.sftp;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Replication to a real sshd and back: an application writes while replication ships to the sftp
 * replica; every few captured TXIDs must restore exactly (content, checksum, integrity). Then the
 * same with every SSH connection killed while uploads are in flight, and with the whole server
 * stopped and started again in the middle of replication.
 */
class SftpReplicationTest {

  private static final Duration ACK = Duration.ofSeconds(90);

  @TempDir Path dir;
  OpenSshServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = OpenSshServer.start(dir);
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
    String path = dir.resolve("replica/app").toString();
    Map<Long, Expected> expected = trip.replicate(new SftpReplicaClient(server.settings(path)), 20, 7, ACK,
        ReplicationRoundTrip.RoundHook.NONE);
    try (var reader = new SftpReplicaClient(server.settings(path))) {
      trip.assertRestores(reader, expected, 4);
    }
  }

  @Test
  void nothingIsLostWhenTheServerKillsEveryConnectionMidReplication() throws Exception {
    var trip = new ReplicationRoundTrip(dir);
    String path = dir.resolve("replica/killed").toString();
    var client = new SftpReplicaClient(server.settings(path));
    int[] killed = {0};
    Map<Long, Expected> expected = trip.replicate(client, 16, 11, ACK, (round, r, db) -> {
      if (round % 3 == 1) {
        killed[0] += server.killSessions();
      }
    });
    assertThat(killed[0]).as("sshd session processes killed").isPositive();
    assertThat(client.sessionsOpened()).as("sessions opened (reconnects)").isGreaterThan(3);
    try (var reader = new SftpReplicaClient(server.settings(path))) {
      trip.assertRestores(reader, expected, 3);
    }
  }

  @Test
  void nothingIsLostWhenTheServerRestartsMidReplication() throws Exception {
    var trip = new ReplicationRoundTrip(dir);
    String path = dir.resolve("replica/restarted").toString();
    Map<Long, Expected> expected = trip.replicate(new SftpReplicaClient(server.settings(path)), 12, 13, ACK,
        (round, r, db) -> {
          if (round == 5) {
            server.stop();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
              st.execute("PRAGMA busy_timeout=5000");
              st.execute("INSERT INTO t (note) VALUES ('written while the server is down')");
            }
            r.sync();
            Await.until(() -> r.replicaError().isPresent(), Duration.ofSeconds(60), "an upload to fail while sshd is down");
            server.restart();
          }
        });
    try (var reader = new SftpReplicaClient(server.settings(path))) {
      trip.assertRestores(reader, expected, 3);
    }
  }
}
