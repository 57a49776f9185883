package io.litestream4j.nats;

import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientFactory;

/**
 * Registers the {@code nats} backend with {@link io.litestream4j.replica.ReplicaClients}: {@code
 * nats://host[:port]/bucket} URLs and {@code type: nats} configuration entries.
 */
public final class NatsReplicaClientFactory implements ReplicaClientFactory {

  @Override
  public String type() {
    return NatsReplicaClient.TYPE;
  }

  @Override
  public ReplicaClient create(ReplicaConfig config) {
    return new NatsReplicaClient(NatsSettings.from(config));
  }
}
