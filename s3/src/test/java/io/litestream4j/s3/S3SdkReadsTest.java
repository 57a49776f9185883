package io.litestream4j.s3;

import io.litestream4j.replica.ReplicaClient;
import java.time.Clock;

/**
 * The replica client contract with listings and downloads through the AWS SDK, as for replicas
 * whose credentials or network settings {@link HttpObjectReads} does not take on.
 */
class S3SdkReadsTest extends S3ProxyContract {

  @Override
  protected ReplicaClient clientFor(String bucket) {
    return new S3ReplicaClient(
        server.settings(bucket, "db"), S3Tuning.DEFAULTS, Clock.systemUTC(), false);
  }

  @Override
  protected String bucketPrefix() {
    return "sdkreads-";
  }
}
