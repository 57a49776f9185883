package io.litestream4j.s3;

import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientContract;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The replica client contract for every backend that speaks S3 (s3, oss), run against one s3proxy
 * per test class: a fresh bucket per test, the replica under {@code db/}, S3's level directories
 * and s3proxy's whole-second listing times. A subclass says how its client is built for a bucket
 * and what wrong credentials look like.
 */
public abstract class S3ProxyContract extends ReplicaClientContract {
  protected static S3ProxyServer server;
  protected static S3Client admin;
  protected String bucket;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.start();
    admin = server.admin();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  /** The backend's client for the replica {@code db} in {@code bucket}, with the right keys. */
  protected abstract ReplicaClient clientFor(String bucket);

  /** The prefix of the buckets this class creates (keeps the classes' buckets apart). */
  protected abstract String bucketPrefix();

  @Override
  protected ReplicaClient newClient() {
    bucket = server.newBucket(bucketPrefix());
    return clientFor(bucket);
  }

  @Override
  protected Optional<RawStore> rawStore() {
    return Optional.of(S3Raw.of(admin, bucket, "db/"));
  }

  @Override
  protected String levelDirectory(int level) {
    return "%04x".formatted(level);
  }

  @Override
  protected boolean listingHasExactTimestamps() {
    return false;
  }

  @Override
  protected Optional<ExpectedFailure> missingContainer() {
    return Optional.of(
        new ExpectedFailure(
            clientFor("no-such-bucket"),
            List.of("NoSuchBucket", "create it"),
            List.of(S3ProxyServer.SECRET_KEY)));
  }
}
