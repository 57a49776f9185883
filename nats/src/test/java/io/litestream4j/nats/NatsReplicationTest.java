package io.litestream4j.nats;

import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.testing.ServerReplicationScenarios;
import java.nio.file.Path;

/**
 * Replication to {@code nats-server -js} and back: every few captured TXIDs must restore exactly
 * (content, checksum, integrity), also when the server is stopped and started again (same port,
 * same JetStream store) in the middle of replication.
 */
class NatsReplicationTest extends ServerReplicationScenarios<NatsServer> {

  @Override
  protected NatsServer start(Path dir) throws Exception {
    return NatsServer.start(dir);
  }

  @Override
  protected void prepare(String bucket) throws Exception {
    server.createBucket(bucket);
  }

  @Override
  protected ReplicaClient client(String bucket) {
    return new NatsReplicaClient(server.settings(bucket));
  }
}
