/**
 * The S3 backend (AWS S3 and S3-compatible stores).
 *
 * <p>Exports its one package: the factory the service loader finds, the client and the settings and
 * tuning values a program may build a client from. The AWS SDK jars have no module descriptor; each
 * names itself with an {@code Automatic-Module-Name}, which is what the requires below use.
 */
@SuppressWarnings({"module", "requires-automatic"}) // the name core addresses; the SDK's names
module io.litestream4j.s3 {
  requires transitive io.litestream4j.core;
  requires org.slf4j;
  requires software.amazon.awssdk.auth;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.auth.aws;
  requires software.amazon.awssdk.http.auth.spi;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.retries;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.utils;

  exports io.litestream4j.s3;

  provides io.litestream4j.replica.ReplicaClientFactory with
      io.litestream4j.s3.S3ReplicaClientFactory;
}
