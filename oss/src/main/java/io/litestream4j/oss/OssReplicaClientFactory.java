package io.litestream4j.oss;

import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientFactory;

/**
 * Registers the {@code oss} backend with {@link io.litestream4j.replica.ReplicaClients}: {@code
 * oss://bucket[.oss-<region>[-internal].aliyuncs.com]/path} URLs and {@code type: oss}
 * configuration entries.
 */
public final class OssReplicaClientFactory implements ReplicaClientFactory {

  @Override
  public String type() {
    return OssReplicaClient.TYPE;
  }

  @Override
  public ReplicaClient create(ReplicaConfig config) {
    return OssReplicaClient.create(OssSettings.from(config, System.getenv()));
  }
}
