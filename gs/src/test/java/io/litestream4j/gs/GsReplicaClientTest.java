package io.litestream4j.gs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.litestream4j.config.ConfigException;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientContract;
import io.litestream4j.replica.ReplicaClients;
import io.litestream4j.replica.TestLtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The replica client contract against google-cloud-nio's in-memory {@code LocalStorageHelper}, the
 * SDK vendor's fake (no GCS emulator runs here), plus object names, metadata and discovery.
 *
 * <p>What the fake cannot check, and so is not checked here: buckets (every bucket "exists", so no
 * missing-bucket error), credentials, HTTP errors and retries, paging (it returns one page), and
 * anything concurrent (the fake is not thread-safe). The object layout and the timestamp metadata
 * text come from {@code ObjectKeys} and {@code RfcTimestamps}, shared with the abs and s3 backends
 * whose tests run against real protocol servers.
 */
class GsReplicaClientTest extends ReplicaClientContract {

  static final String BUCKET = "bucket";

  Storage storage;

  @Override
  protected ReplicaClient newClient() {
    storage = LocalStorageHelper.customOptions(false).getService();
    return GsReplicaClient.create(new GsSettings(BUCKET, "db"), storage);
  }

  @Override
  protected boolean storeIsThreadSafe() {
    return false;
  }

  @Override
  protected int manyFiles() {
    return 1001; // the fake has no pages; enough to cover the seek arithmetic
  }

  @Override
  protected Optional<RawStore> rawStore() {
    return Optional.of(
        new RawStore() {
          @Override
          public void put(String relativePath, byte[] data) {
            storage.create(
                BlobInfo.newBuilder(BlobId.of(BUCKET, "db/" + relativePath)).build(), data);
          }

          @Override
          public Optional<byte[]> get(String relativePath) {
            var blob = storage.get(BlobId.of(BUCKET, "db/" + relativePath));
            return blob == null ? Optional.empty() : Optional.of(blob.getContent());
          }
        });
  }

  @Test
  void writesLitestreamsObjectNamesAndTimestampMetadata() throws IOException {
    write(0, 1, 1, T1, 300);
    var blob = storage.get(BlobId.of(BUCKET, "db/ltx/0/0000000000000001-0000000000000001.ltx"));
    assertThat(blob).isNotNull();
    assertThat(blob.getMetadata())
        .containsEntry("litestream-timestamp", "2024-05-06T07:08:09.123Z");
    assertThat(((GsReplicaClient) client).objectName(9, 1, 0x1f))
        .isEqualTo("db/ltx/9/0000000000000001-000000000000001f.ltx");
  }

  @Test
  void filesAboveTheSingleRequestLimitUseAResumableUpload() throws IOException {
    byte[] data = TestLtx.bytes(1, 1, T1, GsReplicaClient.SINGLE_REQUEST_LIMIT + 12345);
    LtxFileInfo info = client.writeLtxFile(9, 1, 1, new ByteArrayInputStream(data));
    assertThat(info.size()).isEqualTo(data.length);
    try (InputStream in = client.openLtxFile(9, 1, 1, 0, 0)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(client.ltxFiles(9, 0)).containsExactly(new LtxFileInfo(9, 1, 1, data.length, T1));
  }

  @Test
  void emptyPathWritesUnderLtx() throws IOException {
    try (var root = GsReplicaClient.create(new GsSettings(BUCKET, ""), storage)) {
      root.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10)));
      assertThat(storage.get(BlobId.of(BUCKET, "ltx/0/0000000000000001-0000000000000001.ltx")))
          .isNotNull();
    }
  }

  /**
   * The real HTTP (JSON API) transport, without the fake and without the gRPC jars this module
   * leaves out: an unreachable endpoint fails with a message naming the replica.
   */
  @Test
  void theHttpTransportWorksWithoutGrpcAndAnUnreachableEndpointIsNamed() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Storage http =
        com.google.cloud.storage.StorageOptions.http()
            .setHost("http://127.0.0.1:" + port)
            .setProjectId("test")
            .setCredentials(com.google.cloud.NoCredentials.getInstance())
            .setRetrySettings(
                com.google.cloud.storage.StorageOptions.getDefaultRetrySettings().toBuilder()
                    .setMaxAttempts(1)
                    .build())
            .build()
            .getService();
    try (var c = GsReplicaClient.create(new GsSettings(BUCKET, "db"), http)) {
      assertThatThrownBy(() -> c.ltxFiles(0, 0))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("gs: cannot list gs://bucket/db/ltx/0/");
      assertThatThrownBy(
              () -> c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10))))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("gs: cannot upload gs://bucket/db/ltx/0/");
    }
  }

  @Test
  void discoveredThroughServiceLoaderFromAUrl() throws IOException {
    try (var c = ReplicaClients.discover().create("gs://my-bucket/some/path/")) {
      assertThat(c).isInstanceOf(GsReplicaClient.class);
      assertThat(((GsReplicaClient) c).settings())
          .isEqualTo(new GsSettings("my-bucket", "some/path"));
    }
    assertThatThrownBy(() -> ReplicaClients.discover().create("gs:///path"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> ReplicaClients.discover().create("gcs://bucket/path"))
        .isInstanceOf(ConfigException.class);
  }
}
