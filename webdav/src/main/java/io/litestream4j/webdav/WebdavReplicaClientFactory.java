package io.litestream4j.webdav;

import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientFactory;

/**
 * Registers the {@code webdav} backend with {@link io.litestream4j.replica.ReplicaClients}: {@code
 * webdav://} (HTTP) and {@code webdavs://} (HTTPS) URLs and {@code type: webdav} entries.
 */
public final class WebdavReplicaClientFactory implements ReplicaClientFactory {

  @Override
  public String type() {
    return WebdavReplicaClient.TYPE;
  }

  @Override
  public ReplicaClient create(ReplicaConfig config) {
    return new WebdavReplicaClient(WebdavSettings.from(config));
  }
}
