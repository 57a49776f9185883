package io.litestream4j.s3;

import java.net.URI;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 protocol server on loopback: s3proxy in-process with an in-memory blob store, on a
 * random port, with signature checking on. One per test class; tests use distinct buckets or paths.
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key-do-not-log";

  private final S3Proxy proxy;
  private final BlobStore store;
  private final URI endpoint;
  private final S3Client admin;
  private final AtomicInteger buckets = new AtomicInteger();

  private S3ProxyServer(S3Proxy proxy, BlobStore store, URI endpoint) {
    this.proxy = proxy;
    this.store = store;
    this.endpoint = endpoint;
    this.admin = adminClient(endpoint);
  }

  public static S3ProxyServer start() throws Exception {
    var props = new Properties();
    props.setProperty("jclouds.identity", ACCESS_KEY);
    props.setProperty("jclouds.credential", SECRET_KEY);
    BlobStore store = BlobStores.create("transient", props);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .ignoreUnknownHeaders(true)
            .stopTimeout(0)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.onSpinWait();
    }
    return new S3ProxyServer(proxy, store, URI.create("http://127.0.0.1:" + proxy.getPort()));
  }

  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return endpoint.getPort();
  }

  public static S3Credentials credentials() {
    return new S3Credentials(ACCESS_KEY, SECRET_KEY, "test");
  }

  /**
   * Settings for {@code bucket/path} on this server (or on {@code endpoint}, e.g. a proxy in
   * front).
   */
  public S3Settings settings(String bucket, String path) {
    return S3Settings.of(bucket, path, endpoint.toString(), credentials());
  }

  /**
   * A plain SDK client for setting up and inspecting buckets behind the replica client's back; the
   * server closes it.
   */
  public S3Client admin() {
    return admin;
  }

  private static S3Client adminClient(URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .serviceConfiguration(c -> c.chunkedEncodingEnabled(false).expectContinueEnabled(false))
        .httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  public void createBucket(String bucket) {
    admin.createBucket(b -> b.bucket(bucket));
  }

  /** Creates a bucket no other test of this server uses: {@code prefix} and a number. */
  public String newBucket(String prefix) {
    String bucket = prefix + buckets.incrementAndGet();
    createBucket(bucket);
    return bucket;
  }

  @Override
  public void close() throws Exception {
    admin.close();
    proxy.stop();
    store.close();
  }
}
