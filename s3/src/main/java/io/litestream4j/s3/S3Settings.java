package io.litestream4j.s3;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything that says where an S3 replica is and how to talk to it, resolved from a replica URL
 * and/or configuration keys with Litestream's defaults and provider quirks already applied.
 * Immutable; {@link #toString()} masks secrets.
 *
 * @param bucket bucket name or access-point ARN
 * @param path object key prefix without leading or trailing slash; may be empty
 * @param region the region; empty means "look it up" (AWS) or {@code us-east-1} (custom endpoint)
 * @param endpoint custom endpoint with scheme ({@code http://127.0.0.1:9000}); empty for AWS
 * @param forcePathStyle address the bucket in the path instead of the host name
 * @param skipVerify accept any TLS certificate (self-signed test servers only)
 * @param signPayload sign request bodies (SHA-256) instead of sending {@code UNSIGNED-PAYLOAD}
 * @param requireContentMd5 send {@code Content-MD5} with batch deletes
 * @param storageClass storage class for new objects, e.g. {@code STANDARD_IA}
 * @param partSize objects smaller than this are sent with one PUT; larger ones in parts this big
 * @param concurrency parts of one multipart upload in flight at once
 * @param credentials static keys; empty means the AWS SDK's default credential chain
 * @param encryption server-side encryption of written objects
 * @param lease take a lease ({@code <path>/lock.json}) before replicating
 * @param provider the service behind the endpoint
 */
public record S3Settings(
    String bucket,
    String path,
    Optional<String> region,
    Optional<String> endpoint,
    boolean forcePathStyle,
    boolean skipVerify,
    boolean signPayload,
    boolean requireContentMd5,
    Optional<String> storageClass,
    long partSize,
    int concurrency,
    Optional<S3Credentials> credentials,
    S3Encryption encryption,
    boolean lease,
    S3Provider provider) {

  /** S3's smallest allowed part (except the last), and the SDK's default part size. */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  public static final int DEFAULT_CONCURRENCY = 5;

  public S3Settings {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(storageClass, "storageClass");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(encryption, "encryption");
    Objects.requireNonNull(provider, "provider");
    if (bucket.isBlank()) {
      throw new ConfigException("bucket", "bucket required for s3 replica");
    }
    if (path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("s3 path must not start or end with '/': " + path);
    }
    if (partSize < MIN_PART_SIZE) {
      throw new ConfigException(
          "part-size",
          "s3 part size must be at least %d bytes (5 MiB), S3's minimum part size"
              .formatted(MIN_PART_SIZE),
          Long.toString(partSize),
          null);
    }
    if (partSize > Integer.MAX_VALUE - 16) {
      throw new ConfigException(
          "part-size", "s3 part size must be below 2 GiB", Long.toString(partSize), null);
    }
    if (concurrency < 1) {
      throw new ConfigException("concurrency", "must be >= 1", Integer.toString(concurrency), null);
    }
    endpoint.ifPresent(
        e -> {
          if (!Endpoints.hasScheme(e)) {
            throw new IllegalArgumentException(
                "s3 endpoint must include http:// or https://: " + e);
          }
        });
  }

  /**
   * Settings for a bucket on a custom endpoint with static keys and Litestream's defaults
   * otherwise: the short form for embedding and tests.
   */
  public static S3Settings of(
      String bucket, String path, String endpoint, S3Credentials credentials) {
    Optional<String> e = Optional.of(Endpoints.withScheme(endpoint));
    S3Provider provider = S3Provider.detect(e);
    return new S3Settings(
        bucket,
        path,
        Optional.of(S3Host.DEFAULT_REGION),
        e,
        true,
        false,
        true,
        provider.acceptsContentMd5(),
        Optional.empty(),
        MIN_PART_SIZE,
        provider.defaultConcurrency().orElse(DEFAULT_CONCURRENCY),
        Optional.of(credentials),
        S3Encryption.none(),
        true,
        provider);
  }

  /**
   * Resolves a replica configuration (URL and/or keys) as Litestream does.
   *
   * @param env environment variables ({@code LITESTREAM_ACCESS_KEY_ID}, ...), normally {@link
   *     System#getenv()}
   * @throws ConfigException naming the key that is missing or wrong
   */
  public static S3Settings from(ReplicaConfig config, Map<String, String> env) {
    return S3SettingsReader.read(config, env);
  }

  /** Where the replica is, for messages: {@code s3://bucket/path}, plus the endpoint if custom. */
  public String location() {
    String base = "s3://" + bucket + (path.isEmpty() ? "" : "/" + path);
    return endpoint.map(e -> base + " at " + e).orElse(base);
  }

  public S3Settings withPartSize(long bytes) {
    return new S3Settings(
        bucket,
        path,
        region,
        endpoint,
        forcePathStyle,
        skipVerify,
        signPayload,
        requireContentMd5,
        storageClass,
        bytes,
        concurrency,
        credentials,
        encryption,
        lease,
        provider);
  }

  public S3Settings withConcurrency(int parts) {
    return new S3Settings(
        bucket,
        path,
        region,
        endpoint,
        forcePathStyle,
        skipVerify,
        signPayload,
        requireContentMd5,
        storageClass,
        partSize,
        parts,
        credentials,
        encryption,
        lease,
        provider);
  }

  public S3Settings withLease(boolean enabled) {
    return new S3Settings(
        bucket,
        path,
        region,
        endpoint,
        forcePathStyle,
        skipVerify,
        signPayload,
        requireContentMd5,
        storageClass,
        partSize,
        concurrency,
        credentials,
        encryption,
        enabled,
        provider);
  }

  public S3Settings withPath(String prefix) {
    return new S3Settings(
        bucket,
        prefix,
        region,
        endpoint,
        forcePathStyle,
        skipVerify,
        signPayload,
        requireContentMd5,
        storageClass,
        partSize,
        concurrency,
        credentials,
        encryption,
        lease,
        provider);
  }

  public S3Settings withEncryption(S3Encryption sse) {
    return new S3Settings(
        bucket,
        path,
        region,
        endpoint,
        forcePathStyle,
        skipVerify,
        signPayload,
        requireContentMd5,
        storageClass,
        partSize,
        concurrency,
        credentials,
        sse,
        lease,
        provider);
  }

  public S3Settings withStorageClass(Optional<String> cls) {
    return new S3Settings(
        bucket,
        path,
        region,
        endpoint,
        forcePathStyle,
        skipVerify,
        signPayload,
        requireContentMd5,
        cls,
        partSize,
        concurrency,
        credentials,
        encryption,
        lease,
        provider);
  }
}
