package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * When a replica's reads bypass the SDK, and that they then list, read and fail as the SDK's do,
 * against s3proxy (signatures checked) on loopback.
 */
class HttpObjectReadsTest {

  private static S3ProxyServer server;

  @BeforeAll
  static void start() throws Exception {
    server = S3ProxyServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static Optional<HttpObjectReads> reads(
      S3Settings s, Map<String, String> env, Map<String, String> properties) {
    return HttpObjectReads.forSettings(
        s, S3Tuning.DEFAULTS, env, properties::get, Clock.systemUTC());
  }

  private static S3Settings aws(String bucket, Optional<S3Credentials> keys) {
    S3Settings local = server.settings(bucket, "db");
    return new S3Settings(
        bucket,
        "db",
        Optional.of("eu-west-1"),
        Optional.empty(),
        false,
        false,
        true,
        false,
        Optional.empty(),
        S3Settings.MIN_PART_SIZE,
        5,
        keys,
        S3Encryption.none(),
        true,
        local.provider());
  }

  @Test
  void usedOnlyWhereTheSdkWouldSendTheSameRequestsWithTheSameKeys() {
    S3Settings local = server.settings("b", "db");
    assertThat(reads(local, Map.of(), Map.of())).isPresent();
    assertThat(reads(local.withEncryption(S3Encryption.none()), Map.of(), Map.of())).isPresent();
    assertThat(reads(local, Map.of("HTTP_PROXY", "http://proxy:3128"), Map.of())).isEmpty();
    assertThat(reads(local, Map.of("https_proxy", "http://proxy:3128"), Map.of())).isEmpty();
    assertThat(reads(local, Map.of(), Map.of("http.proxyHost", "proxy"))).isEmpty();

    Map<String, String> envKeys = Map.of("AWS_ACCESS_KEY_ID", "id", "AWS_SECRET_ACCESS_KEY", "s");
    assertThat(reads(aws("bucket", Optional.empty()), envKeys, Map.of()))
        .hasValueSatisfying(
            r -> assertThat(r.toString()).contains("https://bucket.s3.eu-west-1.amazonaws.com"));
    // no static keys: profiles, web identity, containers and IMDS are the SDK's business
    assertThat(reads(aws("bucket", Optional.empty()), Map.of(), Map.of())).isEmpty();
    assertThat(reads(aws("bucket", Optional.empty()), Map.of("AWS_ACCESS_KEY_ID", "id"), Map.of()))
        .isEmpty();
    // the SDK would take the keys from system properties before the environment
    assertThat(reads(aws("bucket", Optional.empty()), envKeys, Map.of("aws.accessKeyId", "x")))
        .isEmpty();
    Map<String, String> fips = new HashMap<>(envKeys);
    fips.put("AWS_USE_FIPS_ENDPOINT", "true");
    assertThat(reads(aws("bucket", Optional.empty()), fips, Map.of())).isEmpty();
    Optional<S3Credentials> keys = Optional.of(S3ProxyServer.credentials());
    assertThat(reads(aws("dotted.bucket", keys), Map.of(), Map.of())).isEmpty();
    assertThat(reads(aws("arn:aws:s3:eu-west-1:1:accesspoint/ap", keys), Map.of(), Map.of()))
        .isEmpty();
  }

  @Test
  void listsEveryPageAsTheSdkDoes() throws Exception {
    server.createBucket("pages");
    var admin = server.admin();
    List<String> written =
        IntStream.range(0, 1_050)
            .mapToObj(i -> "db/%04d/k %s+é&%d".formatted(i % 3, "x".repeat(i % 5), i))
            .toList();
    written.parallelStream()
        .forEach(
            k ->
                admin.putObject(
                    r -> r.bucket("pages").key(k), RequestBody.fromString(k.substring(3))));
    HttpObjectReads reads = reads(server.settings("pages", "db"), Map.of(), Map.of()).orElseThrow();

    List<ObjectReads.Listed> listed = reads.list("db/", null);
    List<S3Object> expected =
        admin.listObjectsV2Paginator(r -> r.bucket("pages").prefix("db/")).contents().stream()
            .toList();
    assertThat(listed).hasSize(1_050);
    assertThat(listed)
        .extracting(ObjectReads.Listed::key)
        .containsExactlyElementsOf(expected.stream().map(S3Object::key).toList());
    assertThat(listed)
        .extracting(ObjectReads.Listed::size)
        .containsExactlyElementsOf(expected.stream().map(S3Object::size).toList());
    assertThat(listed)
        .extracting(ObjectReads.Listed::lastModified)
        .containsExactlyElementsOf(expected.stream().map(S3Object::lastModified).toList());

    String after = expected.get(700).key();
    assertThat(reads.list("db/", after))
        .extracting(ObjectReads.Listed::key)
        .containsExactlyElementsOf(
            expected.subList(701, 1_050).stream().map(S3Object::key).toList());
    assertThat(reads.list("db/0001/", null)).hasSize(350);
    assertThat(reads.list("nothing/", null)).isEmpty();

    String key = expected.get(5).key();
    assertThat(read(reads.get(key, 0, 0))).isEqualTo(key.substring(3));
    assertThat(read(reads.get(key, 2, 3))).isEqualTo(key.substring(5, 8));
    assertThat(read(reads.get(key, 4, 0))).isEqualTo(key.substring(7));
    assertThat(read(reads.get(key, 10_000, 0))).isEmpty();
    assertThat(reads.get("db/missing", 0, 0)).isNull();
  }

  /**
   * A body read to its length keeps its connection for the next request, as the SDK's do (a
   * restore's reader knows each file's size and never reads the end of stream); a body closed
   * before its end drops its connection rather than draining it.
   */
  @Test
  void finishedDownloadsReuseTheirConnectionAndAbandonedOnesDropIt() throws Exception {
    server.createBucket("reuse");
    byte[] data = new byte[300_000];
    new java.util.Random(3).nextBytes(data);
    server.admin().putObject(r -> r.bucket("reuse").key("db/x"), RequestBody.fromBytes(data));
    try (CountingProxy proxy = new CountingProxy(server.port())) {
      HttpObjectReads reads =
          reads(
                  S3Settings.of("reuse", "db", proxy.endpoint(), S3ProxyServer.credentials()),
                  Map.of(),
                  Map.of())
              .orElseThrow();
      for (int i = 0; i < 5; i++) {
        // whole, and as a range of the whole (a restore's reader asks for its known size)
        try (InputStream in = reads.get("db/x", 0, i % 2 == 0 ? 0 : data.length)) {
          assertThat(in).isNotNull();
          assertThat(in.readNBytes(data.length)).isEqualTo(data); // no read of the end of stream
        }
      }
      // as a restore stages a file: a resumable stream of the file's size, read until it ends
      try (S3ReplicaClient client =
          S3ReplicaClient.create(
              S3Settings.of("reuse", "db", proxy.endpoint(), S3ProxyServer.credentials()))) {
        for (int i = 0; i < 3; i++) {
          var file =
              new io.litestream4j.replica.LtxFileInfo(
                  0, 1, 1, data.length, java.time.Instant.EPOCH);
          server
              .admin()
              .putObject(
                  r -> r.bucket("reuse").key("db/0000/0000000000000001-0000000000000001.ltx"),
                  RequestBody.fromBytes(data));
          try (InputStream in =
              io.litestream4j.replica.ResumableInputStream.open(
                  client, file, io.litestream4j.replica.RetryPolicy.DEFAULT)) {
            byte[] buf = new byte[65536];
            long total = 0;
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
              total += n;
            }
            assertThat(total).isEqualTo(data.length);
          }
        }
      }
      assertThat(reads.list("db/", null)).hasSize(2);
      assertThat(proxy.connections()).as("connections for nine requests").isEqualTo(1);

      try (InputStream in = reads.get("db/x", 0, 0)) {
        assertThat(in).isNotNull();
        assertThat(in.readNBytes(10)).isEqualTo(java.util.Arrays.copyOf(data, 10));
      }
      try (InputStream in = reads.get("db/x", 100, 5)) {
        assertThat(in).isNotNull();
        assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 105));
      }
      assertThat(proxy.connections()).as("a new connection after an abandoned body").isEqualTo(2);
    }
  }

  @Test
  void failuresNameTheObjectAndTheCauseButNoSecret() {
    S3Settings wrong =
        S3Settings.of(
            "no-such-bucket",
            "db",
            server.endpoint().toString(),
            new S3Credentials(S3ProxyServer.ACCESS_KEY, "wrong-secret-value", "test"));
    HttpObjectReads badKey = reads(wrong, Map.of(), Map.of()).orElseThrow();
    server.createBucket("failures");
    HttpObjectReads badKeyOnBucket =
        reads(
                S3Settings.of(
                    "failures",
                    "db",
                    server.endpoint().toString(),
                    new S3Credentials(S3ProxyServer.ACCESS_KEY, "wrong-secret-value", "test")),
                Map.of(),
                Map.of())
            .orElseThrow();
    assertThatThrownBy(() -> badKeyOnBucket.list("db/", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("s3: cannot list s3://failures/db/: HTTP 403")
        .hasMessageNotContaining("wrong-secret-value");
    assertThatThrownBy(() -> badKeyOnBucket.get("db/x", 0, 0))
        .hasMessageContaining("s3: cannot read s3://failures/db/x: HTTP 403");

    HttpObjectReads noBucket =
        reads(server.settings("no-such-bucket", "db"), Map.of(), Map.of()).orElseThrow();
    assertThatThrownBy(() -> noBucket.list("db/", null))
        .hasMessageContaining("NoSuchBucket")
        .hasMessageContaining("create it");
    assertThatThrownBy(() -> noBucket.get("db/x", 0, 0)).hasMessageContaining("NoSuchBucket");
    assertThat(badKey.toString()).doesNotContain("wrong-secret-value");
  }

  @Test
  void retriesARefusedConnectionAndThenSaysSo() throws IOException {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    S3Settings nowhere =
        S3Settings.of("b", "db", "http://127.0.0.1:" + closedPort, S3ProxyServer.credentials());
    HttpObjectReads reads =
        HttpObjectReads.forSettings(
                nowhere,
                S3Tuning.DEFAULTS.withRetries(3, Duration.ofMillis(1), Duration.ofMillis(5)),
                Map.of(),
                p -> (@Nullable String) null,
                Clock.systemUTC())
            .orElseThrow();
    assertThatThrownBy(() -> reads.list("db/", null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("s3: cannot list s3://b/db/")
        .hasMessageContaining("gave up after 3 attempts");
  }

  @Test
  void theReplicaClientReadsWithoutStartingTheSdk() throws Exception {
    server.createBucket("nosdk");
    server
        .admin()
        .putObject(
            r -> r.bucket("nosdk").key("db/0000/0000000000000001-0000000000000001.ltx"),
            RequestBody.fromString("not really an ltx file"));
    try (ReplicaClient client = S3ReplicaClient.create(server.settings("nosdk", "db"))) {
      client.init();
      assertThat(client.ltxFiles(0, 0)).hasSize(1);
      try (InputStream in = client.openLtxFile(0, 1, 1, 4, 6)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("really");
      }
      assertThat(((S3ReplicaClient) client).sdkStarted()).isFalse();
    }
  }

  private static String read(@Nullable InputStream in) throws IOException {
    assertThat(in).isNotNull();
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
