package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.RfcTimestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replica URLs and configuration keys resolved as Litestream resolves them. */
class S3SettingsTest {

  private static final String KEY_32 = Base64.getEncoder().encodeToString(new byte[32]);

  @TempDir Path dir;

  private static S3Settings url(String url) {
    return url(url, Map.of(), Map.of());
  }

  private static S3Settings url(String url, Map<String, Object> keys, Map<String, String> env) {
    return S3Settings.from(
        new ReplicaConfig(
            "s3",
            Optional.of(ReplicaUrl.parse(url)),
            Optional.empty(),
            ReplicaConfig.DEFAULT_SYNC_INTERVAL,
            256,
            false,
            new ReplicaOptions(keys)),
        env);
  }

  private static S3Settings keys(Map<String, Object> keys) {
    return keys(keys, Map.of());
  }

  private static S3Settings keys(Map<String, Object> keys, Map<String, String> env) {
    var copy = new LinkedHashMap<>(keys);
    Object path = copy.remove("path");
    return S3Settings.from(
        new ReplicaConfig(
            "s3",
            Optional.empty(),
            Optional.ofNullable((String) path),
            ReplicaConfig.DEFAULT_SYNC_INTERVAL,
            256,
            false,
            new ReplicaOptions(copy)),
        env);
  }

  @Test
  void plainAwsUrl() {
    S3Settings s = url("s3://my-bucket/backups/app.db");
    assertThat(s.bucket()).isEqualTo("my-bucket");
    assertThat(s.path()).isEqualTo("backups/app.db");
    assertThat(s.region()).isEmpty();
    assertThat(s.endpoint()).isEmpty();
    assertThat(s.forcePathStyle()).isFalse();
    assertThat(s.provider()).isEqualTo(S3Provider.AWS);
    assertThat(s.signPayload()).isTrue();
    assertThat(s.requireContentMd5()).isTrue();
    assertThat(s.partSize()).isEqualTo(5 * 1024 * 1024);
    assertThat(s.concurrency()).isEqualTo(5);
    assertThat(s.lease()).isTrue();
    assertThat(s.credentials()).isEmpty();
    assertThat(s.location()).isEqualTo("s3://my-bucket/backups/app.db");
  }

  @Test
  void queryParametersAsLitestreamReadsThem() {
    S3Settings s =
        url("s3://bkt/db?endpoint=minio.internal:9000&region=eu-central-1&skipVerify=true");
    assertThat(s.endpoint()).contains("https://minio.internal:9000");
    assertThat(s.region()).contains("eu-central-1");
    assertThat(s.forcePathStyle()).as("an endpoint implies path style").isTrue();
    assertThat(s.skipVerify()).isTrue();
    assertThat(s.provider()).isEqualTo(S3Provider.MINIO);

    assertThat(url("s3://bkt/db?endpoint=localhost:9000").endpoint())
        .contains("http://localhost:9000");
    assertThat(url("s3://bkt/db?endpoint=192.168.1.20:9000").endpoint())
        .contains("http://192.168.1.20:9000");
    assertThat(url("s3://bkt/db?endpoint=http://10.0.0.1:9000").region()).contains("us-east-1");
    assertThat(
            url("s3://bkt/db?endpoint=https://s3.example.com&forcePathStyle=false")
                .forcePathStyle())
        .isFalse();
    assertThat(url("s3://bkt/db?forcePathStyle=true").forcePathStyle()).isTrue();
    assertThat(url("s3://bkt/db?skipVerify=yes").skipVerify())
        .as("only \"true\" turns it on")
        .isFalse();
    S3Settings tuned =
        url(
            "s3://bkt/db?signPayload=false&requireContentMD5=0&storageClass=STANDARD_IA&partSize=10485760&concurrency=3");
    assertThat(tuned.signPayload()).isFalse();
    assertThat(tuned.requireContentMd5()).isFalse();
    assertThat(tuned.storageClass()).contains("STANDARD_IA");
    assertThat(tuned.partSize()).isEqualTo(10 * 1024 * 1024);
    assertThat(tuned.concurrency()).isEqualTo(3);
    assertThatThrownBy(() -> url("s3://bkt/db?concurrency=-1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("concurrency");
  }

  @Test
  void providerHostsInTheUrl() {
    S3Settings aws = url("s3://bkt.s3.us-west-2.amazonaws.com/db");
    assertThat(aws.bucket()).isEqualTo("bkt");
    assertThat(aws.region()).contains("us-west-2");
    assertThat(aws.endpoint()).isEmpty();

    S3Settings minio = url("s3://bkt.localhost:9000/db");
    assertThat(minio.bucket()).isEqualTo("bkt");
    assertThat(minio.endpoint()).contains("http://localhost:9000");
    assertThat(minio.forcePathStyle()).isTrue();
    assertThat(minio.region()).contains("us-east-1");

    S3Settings b2 = url("s3://bkt.s3.us-west-004.backblazeb2.com/db");
    assertThat(b2.endpoint()).contains("https://s3.us-west-004.backblazeb2.com");
    assertThat(b2.forcePathStyle()).isTrue();
    assertThat(b2.provider()).isEqualTo(S3Provider.BACKBLAZE);

    S3Settings doSpaces = url("s3://bkt.nyc3.digitaloceanspaces.com/db");
    assertThat(doSpaces.endpoint()).contains("https://nyc3.digitaloceanspaces.com");
    assertThat(doSpaces.region()).contains("nyc3");

    S3Settings filebase = url("s3://bkt.s3.filebase.com/db");
    assertThat(filebase.endpoint()).contains("https://s3.filebase.com");
    assertThat(filebase.forcePathStyle()).as("Filebase needs path style").isTrue();

    S3Settings scaleway = url("s3://bkt.s3.fr-par.scw.cloud/db");
    assertThat(scaleway.endpoint()).contains("https://s3.fr-par.scw.cloud");
    assertThat(scaleway.region()).contains("fr-par");

    S3Settings arn = url("s3://arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/prefix/db");
    assertThat(arn.bucket()).isEqualTo("arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap");
    assertThat(arn.path()).isEqualTo("prefix/db");
    assertThat(arn.region()).contains("us-west-2");
  }

  @Test
  void providerQuirks() {
    S3Settings r2 = url("s3://bkt/db?endpoint=https://acct.r2.cloudflarestorage.com");
    assertThat(r2.provider()).isEqualTo(S3Provider.CLOUDFLARE_R2);
    assertThat(r2.concurrency()).isEqualTo(2);
    assertThat(
            url("s3://bkt/db?endpoint=https://acct.r2.cloudflarestorage.com&concurrency=4")
                .concurrency())
        .isEqualTo(4);

    S3Settings tigris = url("s3://bkt/db?endpoint=fly.storage.tigris.dev");
    assertThat(tigris.provider()).isEqualTo(S3Provider.TIGRIS);
    assertThat(tigris.requireContentMd5()).isFalse();
    assertThat(tigris.signPayload()).isTrue();
    assertThat(
            url("s3://bkt/db?endpoint=fly.storage.tigris.dev&requireContentMD5=true")
                .requireContentMd5())
        .isTrue();

    S3Settings supabase =
        keys(
            Map.of(
                "bucket",
                "b",
                "endpoint",
                "https://x.supabase.co/storage/v1/s3",
                "force-path-style",
                false));
    assertThat(supabase.provider()).isEqualTo(S3Provider.SUPABASE);
    assertThat(supabase.forcePathStyle()).as("explicit setting wins over the quirk").isFalse();
    assertThat(keys(Map.of("bucket", "b", "endpoint", "https://x.supabase.co")).forcePathStyle())
        .isTrue();

    assertThat(S3Provider.detect(Optional.of("https://nbg1.your-objectstorage.com")))
        .isEqualTo(S3Provider.HETZNER);
    assertThat(S3Provider.detect(Optional.of("https://storage.googleapis.com")))
        .isEqualTo(S3Provider.GOOGLE_CLOUD_STORAGE);
    assertThat(S3Provider.detect(Optional.of("https://s3.example.com")))
        .isEqualTo(S3Provider.OTHER);
    assertThat(S3Provider.detect(Optional.of("http://127.0.0.1:9000"))).isEqualTo(S3Provider.MINIO);
  }

  @Test
  void yamlKeysWinOverTheUrlAndTheUrlFillsTheRest() {
    S3Settings s =
        url(
            "s3://bkt/from-url?region=us-west-1&endpoint=minio:9000&partSize=6291456",
            Map.of(
                "region",
                "eu-west-3",
                "part-size",
                7340032L,
                "concurrency",
                9L,
                "storage-class",
                "GLACIER_IR",
                "sign-payload",
                false,
                "require-content-md5",
                false,
                "lease",
                false),
            Map.of());
    assertThat(s.region()).contains("eu-west-3");
    assertThat(s.path()).isEqualTo("from-url");
    assertThat(s.endpoint()).contains("https://minio:9000");
    assertThat(s.partSize()).isEqualTo(7340032L);
    assertThat(s.concurrency()).isEqualTo(9);
    assertThat(s.storageClass()).contains("GLACIER_IR");
    assertThat(s.signPayload()).isFalse();
    assertThat(s.requireContentMd5()).isFalse();
    assertThat(s.lease()).isFalse();

    S3Settings k =
        keys(
            Map.of(
                "bucket",
                "b",
                "path",
                "/a/b/",
                "endpoint",
                "http://10.1.2.3:9000",
                "force-path-style",
                true,
                "skip-verify",
                true));
    assertThat(k.path()).isEqualTo("a/b");
    assertThat(k.endpoint()).contains("http://10.1.2.3:9000");
    assertThat(k.region()).contains("us-east-1");
    assertThat(k.skipVerify()).isTrue();
  }

  @Test
  void misconfigurationsNameTheKey() {
    assertThatThrownBy(() -> url("s3://bkt/db", Map.of("bucket", "other"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot specify url & bucket");
    assertThatThrownBy(() -> keys(Map.of("path", "db")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bucket required");
    assertThatThrownBy(() -> keys(Map.of("bucket", "b", "part-size", 1024L)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("part-size")
        .hasMessageContaining("5 MiB");
    assertThatThrownBy(() -> keys(Map.of("bucket", "b", "concurrency", 0L)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("concurrency");
  }

  @Test
  void credentialsFromConfigThenLitestreamEnvironmentThenDefaultChain() {
    S3Settings fromConfig =
        keys(
            Map.of(
                "bucket", "b", "access-key-id", "AKIACONFIG", "secret-access-key", "s3cr3t-config"),
            Map.of(
                "LITESTREAM_ACCESS_KEY_ID",
                "AKIAENV",
                "LITESTREAM_SECRET_ACCESS_KEY",
                "s3cr3t-env"));
    assertThat(fromConfig.credentials())
        .hasValueSatisfying(c -> assertThat(c.accessKeyId()).isEqualTo("AKIACONFIG"));

    S3Settings fromEnv =
        keys(
            Map.of("bucket", "b"),
            Map.of(
                "LITESTREAM_ACCESS_KEY_ID",
                "AKIAENV",
                "LITESTREAM_SECRET_ACCESS_KEY",
                "s3cr3t-env"));
    assertThat(fromEnv.credentials())
        .hasValueSatisfying(
            c -> {
              assertThat(c.accessKeyId()).isEqualTo("AKIAENV");
              assertThat(c.secretAccessKey()).isEqualTo("s3cr3t-env");
            });

    S3Settings awsWins =
        keys(
            Map.of("bucket", "b"),
            Map.of(
                "AWS_ACCESS_KEY_ID",
                "AKIAAWS",
                "LITESTREAM_ACCESS_KEY_ID",
                "AKIAENV",
                "LITESTREAM_SECRET_ACCESS_KEY",
                "s3cr3t-env"));
    assertThat(awsWins.credentials()).as("AWS_* variables go to the default chain").isEmpty();
    assertThat(keys(Map.of("bucket", "b", "access-key-id", "only-id")).credentials()).isEmpty();

    assertThat(fromConfig.toString()).contains("AKIACONFIG").doesNotContain("s3cr3t");
    assertThat(fromEnv.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void sseCustomerKeyValidatedAndNeverShown() throws Exception {
    S3Settings s = keys(Map.of("bucket", "b", "sse-customer-key", KEY_32));
    assertThat(s.encryption())
        .isInstanceOfSatisfying(
            S3Encryption.CustomerKey.class,
            k -> {
              assertThat(k.algorithm()).isEqualTo("AES256");
              assertThat(k.keyMd5())
                  .isEqualTo(
                      Base64.getEncoder().encodeToString(S3ReplicaClientTest.md5(new byte[32])));
            });
    assertThat(s.toString()).doesNotContain(KEY_32);

    Path keyFile = dir.resolve("sse.key");
    Files.writeString(keyFile, "  " + KEY_32 + "\n");
    assertThat(
            keys(
                    Map.of("bucket", "b", "sse-customer-key-path", "~/sse.key"),
                    Map.of("HOME", dir.toString()))
                .encryption())
        .isEqualTo(s.encryption());

    String shortKey = Base64.getEncoder().encodeToString("sixteen byte key".getBytes());
    assertThatThrownBy(() -> keys(Map.of("bucket", "b", "sse-customer-key", shortKey)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("32 bytes")
        .hasMessageNotContaining(shortKey);
    assertThatThrownBy(() -> keys(Map.of("bucket", "b", "sse-customer-key", "!!not base64!!")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("base64")
        .hasMessageNotContaining("!!not");
    assertThatThrownBy(
            () ->
                keys(
                    Map.of("bucket", "b", "sse-customer-key", KEY_32, "sse-kms-key-id", "alias/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mutually exclusive");
    assertThatThrownBy(
            () ->
                keys(
                    Map.of(
                        "bucket",
                        "b",
                        "sse-customer-key",
                        KEY_32,
                        "sse-customer-algorithm",
                        "DES")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("AES256");
    assertThatThrownBy(
            () ->
                keys(
                    Map.of(
                        "bucket",
                        "b",
                        "sse-customer-key",
                        KEY_32,
                        "endpoint",
                        "http://s3.example.com")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("https")
        .hasMessageNotContaining(KEY_32);
    assertThat(
            keys(Map.of(
                    "bucket", "b", "sse-customer-key", KEY_32, "endpoint", "http://127.0.0.1:9000"))
                .encryption())
        .isInstanceOf(S3Encryption.CustomerKey.class);
    assertThat(keys(Map.of("bucket", "b", "sse-kms-key-id", "alias/x")).encryption())
        .isEqualTo(new S3Encryption.Kms("alias/x"));
  }

  @Test
  void theConfigFileReadsTheLeaseKey() throws Exception {
    Path yaml = dir.resolve("litestream.yml");
    Files.writeString(
        yaml,
        """
        dbs:
          - path: /data/app.db
            replica:
              type: s3
              bucket: my-bucket
              path: app
              region: us-east-2
              lease: false
              part-size: 8MB
              concurrency: 3
        """);
    ReplicaConfig replica =
        ConfigLoader.load(yaml, true, Map.of()).config().dbs().getFirst().replica();
    S3Settings s = S3Settings.from(replica, Map.of());
    assertThat(s.lease()).isFalse();
    assertThat(s.bucket()).isEqualTo("my-bucket");
    assertThat(s.path()).isEqualTo("app");
    assertThat(s.partSize()).isEqualTo(8_000_000L);
    assertThat(s.concurrency()).isEqualTo(3);
  }

  @Test
  void timestampsAreGoRfc3339Nano() {
    assertThat(RfcTimestamps.format(Instant.parse("2024-05-06T07:08:09.123Z")))
        .isEqualTo("2024-05-06T07:08:09.123Z");
    assertThat(RfcTimestamps.format(Instant.parse("2024-05-06T07:08:09.120Z")))
        .isEqualTo("2024-05-06T07:08:09.12Z");
    assertThat(RfcTimestamps.format(Instant.parse("2024-05-06T07:08:09Z")))
        .isEqualTo("2024-05-06T07:08:09Z");
    assertThat(RfcTimestamps.format(Instant.parse("2024-05-06T07:08:09.000000001Z")))
        .isEqualTo("2024-05-06T07:08:09.000000001Z");
    assertThat(RfcTimestamps.parse("2024-05-06T09:08:09.5+02:00"))
        .contains(Instant.parse("2024-05-06T07:08:09.500Z"));
    assertThat(RfcTimestamps.parse("yesterday")).isEmpty();
  }
}
