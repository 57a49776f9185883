package io.litestream4j.abs;

import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientFactory;

/**
 * Registers the {@code abs} backend with {@link io.litestream4j.replica.ReplicaClients}: {@code
 * abs://[account@]container/path} URLs and {@code type: abs} configuration entries.
 */
public final class AbsReplicaClientFactory implements ReplicaClientFactory {

  @Override
  public String type() {
    return AbsReplicaClient.TYPE;
  }

  @Override
  public ReplicaClient create(ReplicaConfig config) {
    return AbsReplicaClient.create(AbsSettings.from(config, System.getenv()));
  }
}
