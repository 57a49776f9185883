/**
 * The Alibaba OSS backend: the S3 backend with OSS's endpoints and defaults.
 *
 * <p>Exports its one package (the factory the service loader finds and the client).
 */
module io.litestream4j.oss {
  requires transitive io.litestream4j.core;
  requires transitive io.litestream4j.s3;

  exports io.litestream4j.oss;

  provides io.litestream4j.replica.ReplicaClientFactory with
      io.litestream4j.oss.OssReplicaClientFactory;
}
