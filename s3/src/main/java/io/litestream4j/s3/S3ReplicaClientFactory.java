package io.litestream4j.s3;

import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientFactory;

/**
 * Registers the {@code s3} backend with {@link io.litestream4j.replica.ReplicaClients}: {@code
 * s3://bucket/path?endpoint=...&region=...} URLs and {@code type: s3} configuration entries.
 */
public final class S3ReplicaClientFactory implements ReplicaClientFactory {

  @Override
  public String type() {
    return S3ReplicaClient.TYPE;
  }

  @Override
  public ReplicaClient create(ReplicaConfig config) {
    return S3ReplicaClient.create(S3Settings.from(config, System.getenv()));
  }
}
