package io.litestream4j.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClients;
import io.litestream4j.replica.TestLtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The replica client contract against a real S3 protocol server (s3proxy on loopback), plus what
 * only S3 has: key layout and metadata names, multipart uploads, SSE-C, service discovery.
 */
class S3ReplicaClientTest extends S3ProxyContract {

  @Override
  protected ReplicaClient clientFor(String bucket) {
    return S3ReplicaClient.create(server.settings(bucket, "db"));
  }

  @Override
  protected String bucketPrefix() {
    return "contract-";
  }

  @Override
  protected Optional<ExpectedFailure> wrongCredentials() {
    S3Settings bad =
        S3Settings.of(
            bucket,
            "db",
            server.endpoint().toString(),
            new S3Credentials(S3ProxyServer.ACCESS_KEY, "wrong-secret-value", "test"));
    S3ReplicaClient c =
        S3ReplicaClient.create(
            bad,
            S3Tuning.DEFAULTS.withRetries(
                2, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20)));
    return Optional.of(
        new ExpectedFailure(
            c,
            List.of("HTTP 403", "s3://" + bucket + "/db/"),
            List.of("wrong-secret-value", S3ProxyServer.SECRET_KEY)));
  }

  private S3ReplicaClient s3Client() {
    return (S3ReplicaClient) client;
  }

  private List<String> keys(String prefix) {
    return admin.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .toList();
  }

  @Test
  void writesLitestreamLayoutWithTimestampMetadata() throws IOException {
    byte[] data = TestLtx.bytes(1, 1, T1, 300);
    LtxFileInfo info = client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(data));

    assertThat(info).isEqualTo(new LtxFileInfo(0, 1, 1, data.length, T1));
    assertThat(keys("")).containsExactly("db/0000/0000000000000001-0000000000000001.ltx");
    HeadObjectResponse head =
        admin.headObject(
            r -> r.bucket(bucket).key("db/0000/0000000000000001-0000000000000001.ltx"));
    assertThat(head.metadata()).containsEntry("litestream-timestamp", "2024-05-06T07:08:09.123Z");
    assertThat(head.contentLength()).isEqualTo(data.length);
    assertThat(readAll(0, 1, 1, 0, 0)).isEqualTo(data);

    write(9, 1, 0x1f, T2, 10);
    assertThat(keys("db/0009/")).containsExactly("db/0009/0000000000000001-000000000000001f.ltx");
    assertThat(s3Client().ltxKey(9, 5, 6))
        .isEqualTo("db/0009/0000000000000005-0000000000000006.ltx");
    assertThat(s3Client().lockKey()).isEqualTo("db/lock.json");
  }

  @Test
  void emptyPathUsesLitestreamsKeys() throws IOException {
    // Litestream writes "/0000/..." for an empty path (real S3 accepts the leading slash; s3proxy
    // does not), so only the key layout is checked here.
    try (S3ReplicaClient root = S3ReplicaClient.create(server.settings(bucket, ""))) {
      assertThat(root.ltxKey(0, 1, 1)).isEqualTo("/0000/0000000000000001-0000000000000001.ltx");
      assertThat(root.lockKey()).isEqualTo("lock.json");
    }
  }

  @Test
  void deleteAllKeepsKeysOutsideThePath() throws IOException {
    write(0, 1, 1, T1, 5);
    admin.putObject(r -> r.bucket(bucket).key("db/other/thing"), RequestBody.fromString("x"));
    admin.putObject(
        r -> r.bucket(bucket).key("dbx/0000/0000000000000001-0000000000000001.ltx"),
        RequestBody.fromString("x"));
    client.deleteAll();
    assertThat(keys("db/")).isEmpty();
    assertThat(keys("")).containsExactly("dbx/0000/0000000000000001-0000000000000001.ltx");
    client.deleteAll();
  }

  @Test
  void largeFilesGoMultipartAndRoundTrip() throws Exception {
    S3Settings settings = server.settings(bucket, "big").withConcurrency(2);
    int size = (int) (S3Settings.MIN_PART_SIZE * 2 + 12345);
    byte[] data = TestLtx.bytes(1, 1, T1, size - 100);
    try (S3ReplicaClient big = S3ReplicaClient.create(settings)) {
      LtxFileInfo info = big.writeLtxFile(9, 1, 1, new ByteArrayInputStream(data));
      assertThat(info.size()).isEqualTo(size);
      HeadObjectResponse head = admin.headObject(r -> r.bucket(bucket).key(big.ltxKey(9, 1, 1)));
      assertThat(head.eTag()).as("multipart ETags end in -<parts>").endsWith("-3\"");
      assertThat(head.metadata()).containsEntry("litestream-timestamp", "2024-05-06T07:08:09.123Z");
      assertThat(big.ltxFilesWithExactTimestamps(9, 0))
          .containsExactly(new LtxFileInfo(9, 1, 1, size, T1));
      byte[] back;
      try (InputStream in = big.openLtxFile(9, 1, 1, 0, 0)) {
        back = in.readAllBytes();
      }
      assertThat(sha256(back)).isEqualTo(sha256(data));
      assertThat(readRange(big, S3Settings.MIN_PART_SIZE - 10, 20))
          .isEqualTo(
              Arrays.copyOfRange(
                  data, (int) S3Settings.MIN_PART_SIZE - 10, (int) S3Settings.MIN_PART_SIZE + 10));

      // Exactly one part size: still stored whole.
      byte[] exact = TestLtx.bytes(2, 2, T1, (int) S3Settings.MIN_PART_SIZE - 100);
      assertThat(big.writeLtxFile(9, 2, 2, new ByteArrayInputStream(exact)).size())
          .isEqualTo(S3Settings.MIN_PART_SIZE);
      try (InputStream in = big.openLtxFile(9, 2, 2, 0, 0)) {
        assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(exact));
      }
    }
    assertThat(admin.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void aFailingSourceAbortsTheMultipartUploadAndStoresNothing() throws Exception {
    byte[] data = TestLtx.bytes(1, 1, T1, (int) S3Settings.MIN_PART_SIZE * 2);
    InputStream failing =
        new InputStream() {
          int pos;

          @Override
          public int read() throws IOException {
            if (pos >= S3Settings.MIN_PART_SIZE + 1000) {
              throw new IOException("local disk error");
            }
            return data[pos++] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= S3Settings.MIN_PART_SIZE + 1000) {
              throw new IOException("local disk error");
            }
            int n = (int) Math.min(len, S3Settings.MIN_PART_SIZE + 1000 - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
          }
        };
    assertThatThrownBy(() -> client.writeLtxFile(0, 1, 1, failing))
        .isInstanceOf(IOException.class)
        .hasMessage("local disk error");
    assertThat(keys("")).isEmpty();
    assertThat(admin.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void smallFilesNeverAllocateAPart() throws Exception {
    byte[] data = TestLtx.bytes(1, 1, T1, 200);
    PartBuffer buffer =
        PartBuffer.read(new ByteArrayInputStream(data), (int) S3Settings.MIN_PART_SIZE);
    assertThat(buffer.endOfStream()).isTrue();
    assertThat(buffer.size()).isEqualTo(300);
    assertThat(buffer.capacity()).isEqualTo(PartBuffer.INITIAL_CAPACITY);
    PartBuffer full = PartBuffer.read(new ByteArrayInputStream(new byte[100_000]), 70_000);
    assertThat(full.endOfStream()).isFalse();
    assertThat(full.size()).isEqualTo(70_000);
    assertThat(full.capacity()).isEqualTo(70_000);
  }

  @Test
  void aSmallUploadAllocatesFarLessThanAPart() throws IOException {
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    byte[] data = TestLtx.bytes(1, 1, T1, 200);
    for (int i = 0; i < 20; i++) { // warm up the SDK's lazily built machinery
      client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(data));
    }
    int writes = 50;
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < writes; i++) {
      client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(data));
    }
    long perWrite = (threads.getCurrentThreadAllocatedBytes() - before) / writes;
    System.out.printf(
        "allocated per 300-byte upload: %d bytes (part size %d)%n",
        perWrite, S3Settings.MIN_PART_SIZE);
    assertThat(perWrite).isLessThan(S3Settings.MIN_PART_SIZE / 10);
  }

  @Test
  void closedClientRefusesWork() throws IOException {
    S3ReplicaClient c = S3ReplicaClient.create(server.settings(bucket, "db"));
    c.init();
    c.close();
    assertThatThrownBy(() -> c.ltxFiles(0, 0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
    c.close();
  }

  @Test
  void sseCustomerKeyObjectsNeedTheKeyToBeRead() throws IOException {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);
    var sse =
        new S3Encryption.CustomerKey(
            "AES256",
            java.util.Base64.getEncoder().encodeToString(key),
            java.util.Base64.getEncoder().encodeToString(md5(key)));
    byte[] data = TestLtx.bytes(1, 1, T1, 1000);
    try (S3ReplicaClient encrypted =
        S3ReplicaClient.create(server.settings(bucket, "enc").withEncryption(sse))) {
      encrypted.writeLtxFile(0, 1, 1, new ByteArrayInputStream(data));
      try (InputStream in = encrypted.openLtxFile(0, 1, 1, 0, 0)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      assertThat(encrypted.ltxFilesWithExactTimestamps(0, 0))
          .extracting(LtxFileInfo::createdAt)
          .containsExactly(T1);
      assertThat(encrypted.toString()).doesNotContain(sse.key());
      assertThat(encrypted.settings().toString()).doesNotContain(sse.key());
    }
  }

  @Test
  void discoveredThroughServiceLoaderFromAUrl() throws IOException {
    String url =
        "s3://"
            + bucket
            + "/via-url?endpoint="
            + server.endpoint().getAuthority()
            + "&region=us-east-1";
    var env = new java.util.HashMap<>(System.getenv());
    try (var c = ReplicaClients.discover().create(url)) {
      assertThat(c).isInstanceOf(S3ReplicaClient.class);
      S3Settings s = ((S3ReplicaClient) c).settings();
      assertThat(s.bucket()).isEqualTo(bucket);
      assertThat(s.path()).isEqualTo("via-url");
      assertThat(s.endpoint()).contains(server.endpoint().toString());
      assertThat(s.forcePathStyle()).isTrue();
      assertThat(s.provider()).isEqualTo(S3Provider.MINIO);
      assertThat(env).isNotNull();
    }
  }

  private static byte[] readRange(S3ReplicaClient c, long offset, int length) throws IOException {
    try (InputStream in = c.openLtxFile(9, 1, 1, offset, length)) {
      return in.readAllBytes();
    }
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
