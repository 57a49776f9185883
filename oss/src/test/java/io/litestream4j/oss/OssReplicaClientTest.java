package io.litestream4j.oss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.s3.S3ProxyContract;
import io.litestream4j.s3.S3ProxyServer;
import io.litestream4j.s3.S3Settings;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The replica client contract for {@code oss} against the local S3 server (s3proxy), with clients
 * built from Litestream's oss keys; plus OSS's URL forms and endpoint rules.
 */
class OssReplicaClientTest extends S3ProxyContract {

  private static ReplicaConfig config(
      Optional<String> url, Optional<String> path, Map<String, Object> keys) {
    return new ReplicaConfig(
        "oss",
        url.map(ReplicaUrl::parse),
        path,
        ReplicaConfig.DEFAULT_SYNC_INTERVAL,
        ReplicaConfig.DEFAULT_MAX_SYNC_LTX_FILES,
        false,
        new ReplicaOptions(keys));
  }

  private static Map<String, Object> localKeys(String bucket, String secret) {
    var keys = new LinkedHashMap<String, Object>();
    keys.put("bucket", bucket);
    keys.put("endpoint", server.endpoint().getAuthority());
    keys.put("access-key-id", S3ProxyServer.ACCESS_KEY);
    keys.put("secret-access-key", secret);
    return keys;
  }

  private static OssReplicaClient client(String bucket, String secret) {
    return OssReplicaClient.create(
        OssSettings.from(
            config(Optional.empty(), Optional.of("db"), localKeys(bucket, secret)), Map.of()));
  }

  @Override
  protected ReplicaClient clientFor(String bucket) {
    return client(bucket, S3ProxyServer.SECRET_KEY);
  }

  @Override
  protected String bucketPrefix() {
    return "oss-contract-";
  }

  @Override
  protected Optional<ExpectedFailure> wrongCredentials() {
    return Optional.of(
        new ExpectedFailure(
            client(bucket, "wrong-secret-value"),
            List.of("HTTP 403"),
            List.of("wrong-secret-value", S3ProxyServer.SECRET_KEY)));
  }

  @Test
  void writesTheS3LayoutWithTimestampMetadataAndReportsTypeOss() throws IOException {
    write(0, 1, 1, T1, 10);
    var head =
        admin.headObject(
            r -> r.bucket(bucket).key("db/0000/0000000000000001-0000000000000001.ltx"));
    assertThat(head.metadata()).containsEntry("litestream-timestamp", "2024-05-06T07:08:09.123Z");
    assertThat(client.type()).isEqualTo("oss");
    assertThat(client).isNotInstanceOf(io.litestream4j.replica.LeaseableClient.class);
    assertThat(client.ltxFilesWithExactTimestamps(0, 0))
        .containsExactly(new LtxFileInfo(0, 1, 1, 110, T1));
  }

  @Test
  void urlFormsFollowOssEndpointRules() {
    Map<String, String> env = Map.of("OSS_ACCESS_KEY_ID", "id", "OSS_ACCESS_KEY_SECRET", "secret");
    S3Settings s =
        OssSettings.from(
            config(
                Optional.of("oss://mybucket.oss-cn-beijing.aliyuncs.com/some/db"),
                Optional.empty(),
                Map.of()),
            env);
    assertThat(s.bucket()).isEqualTo("mybucket");
    assertThat(s.path()).isEqualTo("some/db");
    assertThat(s.region()).contains("cn-beijing");
    assertThat(s.endpoint()).contains("https://oss-cn-beijing.aliyuncs.com");
    assertThat(s.forcePathStyle()).isFalse();
    assertThat(s.requireContentMd5()).isTrue();
    assertThat(s.lease()).isFalse();
    assertThat(s.credentials())
        .hasValueSatisfying(c -> assertThat(c.accessKeyId()).isEqualTo("id"));

    S3Settings internal =
        OssSettings.from(
            config(
                Optional.of("oss://b.oss-ap-southeast-1-internal.aliyuncs.com/p"),
                Optional.empty(),
                Map.of()),
            env);
    assertThat(internal.region()).contains("ap-southeast-1");
    assertThat(internal.endpoint()).contains("https://oss-ap-southeast-1-internal.aliyuncs.com");

    S3Settings bare =
        OssSettings.from(config(Optional.of("oss://plain/p"), Optional.empty(), Map.of()), env);
    assertThat(bare.bucket()).isEqualTo("plain");
    assertThat(bare.region()).contains("cn-hangzhou");
    assertThat(bare.endpoint()).contains("https://oss-cn-hangzhou.aliyuncs.com");

    S3Settings keyed =
        OssSettings.from(
            config(
                Optional.empty(),
                Optional.of("/x/"),
                Map.of(
                    "bucket",
                    "kb",
                    "region",
                    "eu-central-1",
                    "endpoint",
                    "oss-eu-central-1.aliyuncs.com",
                    "access-key-id",
                    "a",
                    "secret-access-key",
                    "b")),
            Map.of());
    assertThat(keyed.path()).isEqualTo("x");
    assertThat(keyed.endpoint()).contains("https://oss-eu-central-1.aliyuncs.com");
    assertThat(keyed.credentials())
        .hasValueSatisfying(c -> assertThat(c.source()).isEqualTo("config"));
  }

  @Test
  void missingCredentialsAndBucketAreExplained() {
    assertThatThrownBy(
            () ->
                OssSettings.from(
                    config(Optional.of("oss://b/p"), Optional.empty(), Map.of()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("access-key-id")
        .hasMessageContaining("OSS_ACCESS_KEY_ID");
    assertThatThrownBy(
            () -> OssSettings.from(config(Optional.empty(), Optional.of("p"), Map.of()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bucket required");
    assertThatThrownBy(
            () ->
                OssSettings.from(
                    config(Optional.of("oss://b/p"), Optional.empty(), Map.of("bucket", "x")),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot specify url & bucket");
  }
}
