package io.litestream4j.sftp;

import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientFactory;

/**
 * Registers the {@code sftp} backend with {@link io.litestream4j.replica.ReplicaClients}: {@code
 * sftp://user[:password]@host[:port]/path} URLs and {@code type: sftp} configuration entries.
 */
public final class SftpReplicaClientFactory implements ReplicaClientFactory {

  @Override
  public String type() {
    return SftpReplicaClient.TYPE;
  }

  @Override
  public ReplicaClient create(ReplicaConfig config) {
    return new SftpReplicaClient(SftpSettings.from(config));
  }
}
