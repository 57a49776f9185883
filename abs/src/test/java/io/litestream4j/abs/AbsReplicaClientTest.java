package io.litestream4j.abs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import io.litestream4j.config.ConfigException;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientContract;
import io.litestream4j.replica.ReplicaClients;
import io.litestream4j.replica.TestLtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replica client contract against azurite on loopback, plus what only Azure has: blob names and
 * the {@code litestreamtimestamp} metadata, SAS tokens, the development account's shared key, and
 * discovery from an {@code abs://} URL.
 */
class AbsReplicaClientTest extends ReplicaClientContract {

  private static final AtomicInteger CONTAINERS = new AtomicInteger();
  private static final AbsTuning FAST =
      AbsTuning.DEFAULTS
          .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(50))
          .withListPageSize(250)
          .withBlockSize(64 * 1024);

  static AzuriteServer server;
  String containerName;
  BlobContainerClient admin;

  @BeforeAll
  static void startServer() throws Exception {
    server = AzuriteServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected ReplicaClient newClient() {
    containerName = "contract-" + CONTAINERS.incrementAndGet();
    admin = server.createContainer(containerName);
    return AbsReplicaClient.create(server.settings(containerName, "db"), FAST);
  }

  @Override
  protected Optional<RawStore> rawStore() {
    return Optional.of(
        new RawStore() {
          @Override
          public void put(String relativePath, byte[] data) {
            admin.getBlobClient("db/" + relativePath).upload(BinaryData.fromBytes(data), true);
          }

          @Override
          public Optional<byte[]> get(String relativePath) {
            try {
              return Optional.of(
                  admin.getBlobClient("db/" + relativePath).downloadContent().toBytes());
            } catch (BlobStorageException e) {
              if (e.getStatusCode() == 404) {
                return Optional.empty();
              }
              throw e;
            }
          }
        });
  }

  @Override
  protected int manyFiles() {
    return 1100;
  }

  @Override
  protected Optional<ExpectedFailure> missingContainer() {
    var c = AbsReplicaClient.create(server.settings("no-such-container", "db"), FAST);
    return Optional.of(
        new ExpectedFailure(
            c,
            List.of("ContainerNotFound", "no-such-container", "create it"),
            List.of(AzuriteServer.KEY)));
  }

  @Override
  protected Optional<ExpectedFailure> wrongCredentials() {
    String wrongKey =
        java.util.Base64.getEncoder()
            .encodeToString("not the account key at all, 64 bytes long...... ok".getBytes());
    var settings =
        new AbsSettings(
            AzuriteServer.ACCOUNT,
            containerName,
            "db",
            server.endpoint(),
            new AbsCredentials.SharedKey(AzuriteServer.ACCOUNT, wrongKey));
    return Optional.of(
        new ExpectedFailure(
            AbsReplicaClient.create(settings, FAST),
            List.of(
                "HTTP 403",
                "rejected the credentials",
                "abs://" + AzuriteServer.ACCOUNT + "@" + containerName + "/db/"),
            List.of(wrongKey, AzuriteServer.KEY)));
  }

  private List<String> names() {
    return admin.listBlobs().stream().map(BlobItem::getName).toList();
  }

  @Test
  void writesLitestreamsBlobNamesAndTimestampMetadata() throws IOException {
    write(0, 1, 1, T1, 300);
    write(9, 1, 0x1f, T2, 10);
    assertThat(names())
        .containsExactlyInAnyOrder(
            "db/ltx/0/0000000000000001-0000000000000001.ltx",
            "db/ltx/9/0000000000000001-000000000000001f.ltx");
    var props =
        admin.getBlobClient("db/ltx/0/0000000000000001-0000000000000001.ltx").getProperties();
    assertThat(props.getMetadata())
        .containsEntry("litestreamtimestamp", "2024-05-06T07:08:09.123Z");
    assertThat(props.getContentType()).isEqualTo("application/octet-stream");
    assertThat(((AbsReplicaClient) client).blobName(3, 5, 6))
        .isEqualTo("db/ltx/3/0000000000000005-0000000000000006.ltx");
  }

  @Test
  void emptyPathWritesUnderLtxAndDeleteAllSparesOtherBlobs() throws IOException {
    admin.getBlobClient("other/thing").upload(BinaryData.fromString("x"));
    admin
        .getBlobClient("dbx/ltx/0/0000000000000001-0000000000000001.ltx")
        .upload(BinaryData.fromString("x"));
    try (var root = AbsReplicaClient.create(server.settings(containerName, ""), FAST)) {
      root.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10)));
      assertThat(names()).contains("ltx/0/0000000000000001-0000000000000001.ltx");
      root.deleteAll();
    }
    write(0, 1, 1, T1, 5);
    client.deleteAll();
    assertThat(names())
        .containsExactlyInAnyOrder(
            "other/thing", "dbx/ltx/0/0000000000000001-0000000000000001.ltx");
  }

  @Test
  void blobsWithoutMetadataFallBackToTheirCreationTime() throws IOException {
    admin
        .getBlobClient("db/ltx/0/0000000000000002-0000000000000002.ltx")
        .upload(BinaryData.fromBytes(TestLtx.bytes(2, 2, T1, 10)));
    LtxFileInfo listed = client.ltxFiles(0, 0).getFirst();
    assertThat(listed.createdAt()).isAfter(OffsetDateTime.now().minusMinutes(5).toInstant());
  }

  @Test
  void largeFilesGoInBlocksAndRoundTrip() throws IOException {
    byte[] data = TestLtx.bytes(1, 1, T1, 64 * 1024 * 3 + 777);
    LtxFileInfo info = client.writeLtxFile(9, 1, 1, new ByteArrayInputStream(data));
    assertThat(info.size()).isEqualTo(data.length);
    var blocks =
        admin
            .getBlobClient("db/ltx/9/0000000000000001-0000000000000001.ltx")
            .getBlockBlobClient()
            .listBlocks(com.azure.storage.blob.models.BlockListType.COMMITTED)
            .getCommittedBlocks();
    assertThat(blocks).hasSizeGreaterThan(1);
    try (InputStream in = client.openLtxFile(9, 1, 1, 0, 0)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(client.ltxFiles(9, 0)).containsExactly(new LtxFileInfo(9, 1, 1, data.length, T1));
  }

  @Test
  void sasTokenAuthenticates() throws IOException {
    var sas =
        admin.generateSas(
            new BlobServiceSasSignatureValues(
                OffsetDateTime.now().plusHours(1), BlobContainerSasPermission.parse("racwdl")));
    var settings =
        new AbsSettings(
            AzuriteServer.ACCOUNT,
            containerName,
            "sas",
            server.endpoint(),
            new AbsCredentials.SasToken(sas));
    try (var c = AbsReplicaClient.create(settings, FAST)) {
      c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10)));
      assertThat(c.ltxFiles(0, 0)).containsExactly(new LtxFileInfo(0, 1, 1, 110, T1));
      c.deleteAll();
      assertThat(c.ltxFiles(0, 0)).isEmpty();
    }
    var readOnly =
        admin.generateSas(
            new BlobServiceSasSignatureValues(
                OffsetDateTime.now().plusHours(1), BlobContainerSasPermission.parse("rl")));
    var limited =
        new AbsSettings(
            AzuriteServer.ACCOUNT,
            containerName,
            "sas",
            server.endpoint(),
            new AbsCredentials.SasToken(readOnly));
    try (var c = AbsReplicaClient.create(limited, FAST)) {
      assertThat(c.ltxFiles(0, 0)).isEmpty();
      String sig = readOnly.replaceAll(".*sig=([^&]*).*", "$1");
      assertThatThrownBy(
              () -> c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10))))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("sas-token")
          .satisfies(
              e ->
                  assertThat(fullText(e))
                      .doesNotContain(sig)
                      .doesNotContain(java.net.URLDecoder.decode(sig, "UTF-8")));
    }
  }

  @Test
  void discoveredThroughServiceLoaderFromAUrlAndLitestreamKeys() throws IOException {
    try (var c = ReplicaClients.discover().create("abs://myaccount@mycontainer/some/path")) {
      assertThat(c).isInstanceOf(AbsReplicaClient.class);
      AbsSettings s = ((AbsReplicaClient) c).settings();
      assertThat(s.accountName()).isEqualTo("myaccount");
      assertThat(s.container()).isEqualTo("mycontainer");
      assertThat(s.path()).isEqualTo("some/path");
      assertThat(s.endpoint()).isEqualTo("https://myaccount.blob.core.windows.net");
    }
    assertThatThrownBy(() -> ReplicaClients.discover().create("abs:///path"))
        .isInstanceOf(ConfigException.class);
  }
}
