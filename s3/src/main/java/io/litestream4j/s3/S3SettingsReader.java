package io.litestream4j.s3;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.ObjectKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a replica configuration into {@link S3Settings} following Litestream's rules for the {@code
 * replicate}/{@code restore} commands: configuration keys win over what the URL says; the URL's
 * host may name a provider; {@code endpoint}, {@code region}, {@code forcePathStyle}, {@code
 * skipVerify}, {@code signPayload}, {@code requireContentMD5}, {@code storageClass}, {@code
 * partSize} and {@code concurrency} query parameters are honoured; provider quirks fill in what was
 * not set explicitly. Secrets (keys, SSE-C key) never appear in error messages.
 */
final class S3SettingsReader {

  private S3SettingsReader() {}

  static S3Settings read(ReplicaConfig config, Map<String, String> env) {
    ReplicaOptions o = config.options();
    Optional<ReplicaUrl> url = config.urlInsteadOf("bucket");

    String bucket = o.string("bucket").orElse("");
    String path = config.path().map(ObjectKeys::trimSlashes).orElse("");
    Optional<String> region = o.string("region").filter(s -> !s.isBlank());
    Optional<String> endpoint =
        o.string("endpoint").filter(s -> !s.isBlank()).map(Endpoints::withScheme);
    boolean skipVerify = o.bool("skip-verify").orElse(false);
    Optional<String> storageClass = o.string("storage-class").filter(s -> !s.isBlank());
    Optional<Boolean> signPayload = o.bool("sign-payload");
    Optional<Boolean> requireMd5 = o.bool("require-content-md5");
    Optional<Boolean> explicitPathStyle = o.bool("force-path-style");
    boolean forcePathStyle = explicitPathStyle.orElse(endpoint.isPresent());
    Optional<Long> urlPartSize = Optional.empty();
    Optional<Integer> urlConcurrency = Optional.empty();

    if (url.isPresent()) {
      ReplicaUrl u = url.get();
      Map<String, String> q = u.query();
      String host = u.host();
      String urlPath = u.path();
      if (host.startsWith("arn:") && host.endsWith(":accesspoint") && !urlPath.isEmpty()) {
        int slash = urlPath.indexOf('/');
        host = host + "/" + (slash < 0 ? urlPath : urlPath.substring(0, slash));
        urlPath = slash < 0 ? "" : urlPath.substring(slash + 1);
      }
      S3Host h = S3Host.parse(host);
      Optional<String> uEndpoint = h.endpoint();
      Optional<String> uRegion = h.region();
      boolean uPathStyle = h.forcePathStyle();
      String qEndpoint = q.getOrDefault("endpoint", "");
      if (!qEndpoint.isEmpty()) {
        uEndpoint = Optional.of(Endpoints.withScheme(qEndpoint));
        uPathStyle = !"false".equals(first(q, "forcePathStyle", "force-path-style"));
      }
      if (!q.getOrDefault("region", "").isEmpty()) {
        uRegion = Optional.of(q.get("region"));
      }
      String qPathStyle = first(q, "forcePathStyle", "force-path-style");
      if (!qPathStyle.isEmpty()) {
        uPathStyle = qPathStyle.equals("true");
      }
      String qSkipVerify = first(q, "skipVerify", "skip-verify");
      if (!qSkipVerify.isEmpty()) {
        skipVerify = qSkipVerify.equals("true");
      }
      Optional<Boolean> uSign = queryBool(q, "signPayload", "sign-payload");
      Optional<Boolean> uMd5 = queryBool(q, "requireContentMD5", "require-content-md5");
      String qStorageClass = first(q, "storageClass", "storage-class");
      urlPartSize = queryPositive(q, "partSize", "part-size");
      urlConcurrency = queryPositive(q, "concurrency").map(Long::intValue);

      if (path.isEmpty()) {
        path = ObjectKeys.trimSlashes(urlPath);
      }
      if (bucket.isEmpty()) {
        bucket = h.bucket();
      }
      if (region.isEmpty()) {
        region = uRegion;
      }
      if (endpoint.isEmpty()) {
        endpoint = uEndpoint.map(Endpoints::withScheme);
      }
      if (storageClass.isEmpty() && !qStorageClass.isEmpty()) {
        storageClass = Optional.of(qStorageClass);
      }
      if (!forcePathStyle) {
        forcePathStyle = uPathStyle;
      }
      if (signPayload.isEmpty()) {
        signPayload = uSign;
      }
      if (requireMd5.isEmpty()) {
        requireMd5 = uMd5;
      }
    }

    if (bucket.isBlank()) {
      throw new ConfigException(
          "bucket",
          "bucket required for s3 replica (set 'bucket' or use a url such as s3://bucket/path)");
    }

    S3Provider provider = S3Provider.detect(endpoint);
    if (explicitPathStyle.isEmpty() && provider.requiresPathStyle()) {
      forcePathStyle = true;
    }
    boolean md5 = requireMd5.orElse(provider.acceptsContentMd5());
    if (region.isEmpty() && endpoint.isPresent()) {
      region = Optional.of(S3Host.DEFAULT_REGION);
    }

    int concurrency = provider.defaultConcurrency().orElse(S3Settings.DEFAULT_CONCURRENCY);
    if (urlConcurrency.isPresent()) {
      concurrency = urlConcurrency.get();
    }
    if (o.number("concurrency").isPresent()) {
      long c = o.number("concurrency").getAsLong();
      if (c < 1 || c > 1000) {
        throw new ConfigException(
            "concurrency", "must be between 1 and 1000", Long.toString(c), null);
      }
      concurrency = (int) c;
    }
    long partSize = S3Settings.MIN_PART_SIZE;
    if (urlPartSize.isPresent()) {
      partSize = urlPartSize.get();
    }
    if (o.number("part-size").isPresent()) {
      partSize = o.number("part-size").getAsLong();
    }

    return new S3Settings(
        bucket,
        path,
        region,
        endpoint,
        forcePathStyle,
        skipVerify,
        signPayload.orElse(true),
        md5,
        storageClass,
        partSize,
        concurrency,
        credentials(o, env),
        encryption(o, endpoint, env),
        o.bool("lease").orElse(true),
        provider);
  }

  /**
   * Static keys from the configuration when both are set, else Litestream's {@code
   * LITESTREAM_ACCESS_KEY_ID}/{@code LITESTREAM_SECRET_ACCESS_KEY} when the AWS variables are not
   * set, else none (the SDK's default chain: AWS environment, profiles, web identity, ECS, IMDS).
   */
  private static Optional<S3Credentials> credentials(ReplicaOptions o, Map<String, String> env) {
    Optional<String> id = o.string("access-key-id").filter(s -> !s.isBlank());
    Optional<String> secret = o.string("secret-access-key").filter(s -> !s.isBlank());
    if (id.isPresent() && secret.isPresent()) {
      return Optional.of(new S3Credentials(id.get(), secret.get(), "config"));
    }
    String envId = env.getOrDefault("LITESTREAM_ACCESS_KEY_ID", "");
    String envSecret = env.getOrDefault("LITESTREAM_SECRET_ACCESS_KEY", "");
    if (!envId.isBlank()
        && !envSecret.isBlank()
        && env.getOrDefault("AWS_ACCESS_KEY_ID", "").isEmpty()) {
      return Optional.of(
          new S3Credentials(
              envId, envSecret, "LITESTREAM_ACCESS_KEY_ID/LITESTREAM_SECRET_ACCESS_KEY"));
    }
    return Optional.empty();
  }

  private static S3Encryption encryption(
      ReplicaOptions o, Optional<String> endpoint, Map<String, String> env) {
    Optional<String> keyPath = o.string("sse-customer-key-path").filter(s -> !s.isBlank());
    Optional<String> key = o.string("sse-customer-key").filter(s -> !s.isBlank());
    Optional<String> kms = o.string("sse-kms-key-id").filter(s -> !s.isBlank());
    if (keyPath.isPresent()) {
      key = Optional.of(readKeyFile(keyPath.get(), env));
    }
    if (key.isPresent() && kms.isPresent()) {
      throw new ConfigException(
          "sse-kms-key-id",
          "cannot use both sse-customer-key and sse-kms-key-id; they are mutually exclusive");
    }
    if (kms.isPresent()) {
      return new S3Encryption.Kms(kms.get());
    }
    if (key.isEmpty()) {
      if (o.string("sse-customer-algorithm").isPresent()) {
        throw new ConfigException(
            "sse-customer-algorithm", "is set but no sse-customer-key or sse-customer-key-path is");
      }
      return S3Encryption.none();
    }
    String algorithm =
        o.string("sse-customer-algorithm").filter(s -> !s.isBlank()).orElse("AES256");
    if (!algorithm.equals("AES256")) {
      throw new ConfigException("sse-customer-algorithm", "must be AES256", algorithm, null);
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(key.get().strip());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "sse-customer-key", "must be valid base64 (the value is not shown)");
    }
    if (raw.length != 32) {
      throw new ConfigException(
          "sse-customer-key",
          "must be a 256-bit key (32 bytes once base64-decoded), got "
              + raw.length
              + " bytes (the value is not shown)");
    }
    if (endpoint.isPresent()
        && endpoint.get().toLowerCase(Locale.ROOT).startsWith("http://")
        && !Endpoints.isLocal(endpoint.get())) {
      throw new ConfigException(
          "sse-customer-key",
          "requires an https endpoint (plain http is only allowed for localhost and private networks)",
          endpoint.get(),
          null);
    }
    return new S3Encryption.CustomerKey(
        algorithm, Base64.getEncoder().encodeToString(raw), md5Base64(raw));
  }

  private static String readKeyFile(String raw, Map<String, String> env) {
    String p = raw;
    if (p.startsWith("~")) {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      p = home + p.substring(1);
    }
    try {
      return Files.readString(Path.of(p), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigException(
          "sse-customer-key-path", "cannot read the key file: " + e.getMessage(), raw, null);
    }
  }

  private static String md5Base64(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required by every Java runtime", e);
    }
  }

  private static String first(Map<String, String> q, String... keys) {
    for (String k : keys) {
      String v = q.getOrDefault(k, "");
      if (!v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  /** Go's lenient boolean: true/1/t/yes, false/0/f/no, anything else counts as false. */
  private static Optional<Boolean> queryBool(Map<String, String> q, String... keys) {
    String v = first(q, keys);
    if (v.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        switch (v.toLowerCase(Locale.ROOT)) {
          case "true", "1", "t", "yes" -> true;
          default -> false;
        });
  }

  private static Optional<Long> queryPositive(Map<String, String> q, String... keys) {
    for (String k : keys) {
      String v = q.getOrDefault(k, "");
      if (v.isEmpty()) {
        continue;
      }
      try {
        long n = Long.parseLong(v);
        if (n > 0) {
          return Optional.of(n);
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new ConfigException(
          "url",
          "invalid value for query parameter \"%s\": must be a positive integer".formatted(k),
          v,
          null);
    }
    return Optional.empty();
  }
}
