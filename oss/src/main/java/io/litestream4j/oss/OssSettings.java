package io.litestream4j.oss;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.ObjectKeys;
import io.litestream4j.s3.Endpoints;
import io.litestream4j.s3.S3Credentials;
import io.litestream4j.s3.S3Encryption;
import io.litestream4j.s3.S3Provider;
import io.litestream4j.s3.S3Settings;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an {@code oss} replica entry into settings for the s3 client, following Litestream's keys:
 * {@code oss://bucket[.oss-<region>[-internal].aliyuncs.com]/path} or {@code bucket}, {@code path},
 * {@code region} (default {@code cn-hangzhou}), {@code endpoint} (default {@code
 * https://oss-<region>.aliyuncs.com}, {@code https://} added when missing), {@code
 * access-key-id}/{@code secret-access-key} (else {@code OSS_ACCESS_KEY_ID}/{@code
 * OSS_ACCESS_KEY_SECRET}, else {@code LITESTREAM_ACCESS_KEY_ID}/{@code
 * LITESTREAM_SECRET_ACCESS_KEY}), {@code part-size} and {@code concurrency}.
 *
 * <p>OSS rules applied on top of the s3 client: virtual-hosted bucket addressing (OSS refuses path
 * style; a {@code host:port} test server keeps path style), no aws-chunked uploads, {@code
 * Content-MD5} on batch deletes (OSS requires it), no lease (see {@link OssReplicaClient}: OSS
 * documents no conditional writes to build one on).
 */
final class OssSettings {

  static final String DEFAULT_REGION = "cn-hangzhou";

  private OssSettings() {}

  static S3Settings from(ReplicaConfig config, Map<String, String> env) {
    ReplicaOptions o = config.options();
    Optional<ReplicaUrl> url = config.urlInsteadOf("bucket");
    String bucket = o.string("bucket").orElse("");
    String path = config.path().map(ObjectKeys::trimSlashes).orElse("");
    Optional<String> region = o.string("region").filter(s -> !s.isBlank());
    boolean internal = false;
    if (url.isPresent()) {
      OssHost host = OssHost.parse(url.get().host());
      bucket = host.bucket();
      path = ObjectKeys.trimSlashes(url.get().path());
      if (region.isEmpty()) {
        region = host.region();
      }
      internal = host.internal();
    }
    if (bucket.isBlank()) {
      throw new ConfigException(
          "bucket",
          "bucket required for oss replica (set 'bucket' or use a url such as oss://bucket/path)");
    }
    String r = region.orElse(DEFAULT_REGION);
    String endpoint =
        o.string("endpoint")
            .filter(s -> !s.isBlank())
            .map(e -> e.contains("://") ? e : Endpoints.withScheme(e))
            .orElse(OssHost.endpoint(r, internal));
    S3Provider provider = S3Provider.detect(Optional.of(endpoint));
    long partSize = o.number("part-size").orElse(S3Settings.MIN_PART_SIZE);
    long concurrency = o.number("concurrency").orElse(S3Settings.DEFAULT_CONCURRENCY);
    if (concurrency < 1 || concurrency > 1000) {
      throw new ConfigException(
          "concurrency", "must be between 1 and 1000", Long.toString(concurrency), null);
    }
    return new S3Settings(
        bucket,
        path,
        Optional.of(r),
        Optional.of(endpoint),
        provider.requiresPathStyle(),
        false,
        true,
        true,
        Optional.empty(),
        partSize,
        (int) concurrency,
        credentials(o, env),
        S3Encryption.none(),
        false,
        provider);
  }

  private static Optional<S3Credentials> credentials(ReplicaOptions o, Map<String, String> env) {
    Optional<String> id = o.string("access-key-id").filter(s -> !s.isBlank());
    Optional<String> secret = o.string("secret-access-key").filter(s -> !s.isBlank());
    if (id.isPresent() && secret.isPresent()) {
      return Optional.of(new S3Credentials(id.get(), secret.get(), "config"));
    }
    for (String[] pair :
        new String[][] {
          {"OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET"},
          {"LITESTREAM_ACCESS_KEY_ID", "LITESTREAM_SECRET_ACCESS_KEY"}
        }) {
      String envId = env.getOrDefault(pair[0], "");
      String envSecret = env.getOrDefault(pair[1], "");
      if (!envId.isBlank() && !envSecret.isBlank()) {
        return Optional.of(new S3Credentials(envId, envSecret, pair[0] + "/" + pair[1]));
      }
    }
    throw new ConfigException(
        "access-key-id",
        "oss replica needs credentials: set access-key-id and "
            + "secret-access-key, or the environment variables OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET");
  }
}
