package io.litestream4j.gs;

import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientFactory;

/**
 * Registers the {@code gs} backend with {@link io.litestream4j.replica.ReplicaClients}: {@code
 * gs://bucket/path} URLs and {@code type: gs} configuration entries.
 */
public final class GsReplicaClientFactory implements ReplicaClientFactory {

  @Override
  public String type() {
    return GsReplicaClient.TYPE;
  }

  @Override
  public ReplicaClient create(ReplicaConfig config) {
    return GsReplicaClient.create(GsSettings.from(config));
  }
}
