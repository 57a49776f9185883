package io.litestream4j.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.testing.ReplicationRoundTrip;
import io.litestream4j.testing.ReplicationRoundTrip.Expected;
import io.litestream4j.testing.ServerReplicationScenarios;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replication to a real sshd and back: an application writes while replication ships to the sftp
 * replica; every few captured TXIDs must restore exactly (content, checksum, integrity). Then the
 * same with every SSH connection killed while uploads are in flight, and with the whole server
 * stopped and started again in the middle of replication.
 */
class SftpReplicationTest extends ServerReplicationScenarios<OpenSshServer> {

  @Override
  protected OpenSshServer start(Path dir) throws Exception {
    return OpenSshServer.start(dir);
  }

  @Override
  protected ReplicaClient client(String name) throws Exception {
    return new SftpReplicaClient(server.settings(dir.resolve("replica").resolve(name).toString()));
  }

  @Test
  void nothingIsLostWhenTheServerKillsEveryConnectionMidReplication() throws Exception {
    var trip = new ReplicationRoundTrip(dir);
    String path = dir.resolve("replica/killed").toString();
    var client = new SftpReplicaClient(server.settings(path));
    int[] killed = {0};
    Map<Long, Expected> expected =
        trip.replicate(
            client,
            16,
            11,
            ACK,
            (round, r, db) -> {
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
}
