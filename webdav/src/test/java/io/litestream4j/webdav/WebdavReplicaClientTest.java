package io.litestream4j.webdav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica client contract against {@code rclone serve webdav} on loopback, plus what only
 * WebDAV has: URL forms, temporary upload names, credentials, reading timestamps of files that
 * carry no timestamp property (as Litestream writes them).
 */
class WebdavReplicaClientTest extends ReplicaClientContract {

  private static final AtomicInteger REPLICAS = new AtomicInteger();

  @TempDir static Path serverDir;
  static RcloneWebdavServer server;
  static RcloneWebdavServer guarded;
  String path;

  @BeforeAll
  static void startServer() throws Exception {
    server = RcloneWebdavServer.start(serverDir);
    guarded =
        RcloneWebdavServer.start(serverDir, Optional.of("alice"), Optional.of("c0rrect-horse"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
    if (guarded != null) {
      guarded.close();
    }
  }

  @Override
  protected ReplicaClient newClient() {
    path = "replicas/r" + REPLICAS.incrementAndGet() + "/db";
    return new WebdavReplicaClient(server.settings(path));
  }

  @Override
  protected Optional<RawStore> rawStore() {
    Path dir = server.root().resolve(path);
    return Optional.of(
        new RawStore() {
          @Override
          public void put(String relativePath, byte[] data) throws IOException {
            try {
              server.put(path + "/" + relativePath, data);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new java.io.InterruptedIOException();
            }
          }

          @Override
          public Optional<byte[]> get(String relativePath) throws IOException {
            Path p = dir.resolve(relativePath);
            return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
          }
        });
  }

  @Override
  protected boolean listingHasExactTimestamps() {
    return false; // rclone keeps no dead properties: listings give the server's time
  }

  @Override
  protected Optional<ExpectedFailure> wrongCredentials() {
    var c = new WebdavReplicaClient(guarded.settings("db").withCredentials("alice", "wr0ng-pass"));
    return Optional.of(
        new ExpectedFailure(
            c, List.of("HTTP 401", "alice", "webdav-password"), List.of("wr0ng-pass")));
  }

  @Test
  void rightCredentialsWork() throws IOException {
    try (var c = new WebdavReplicaClient(guarded.settings("db"))) {
      c.init();
      c.writeLtxFile(
          0,
          1,
          1,
          new java.io.ByteArrayInputStream(io.litestream4j.replica.TestLtx.bytes(1, 1, T1, 10)));
      assertThat(c.ltxFiles(0, 0)).hasSize(1);
    }
  }

  @Test
  void uploadsLeaveNoTemporaryFilesBehind() throws Exception {
    for (long txid = 1; txid <= 5; txid++) {
      write(0, txid, txid, T1, 100);
    }
    assertThatThrownBy(
            () -> client.writeLtxFile(0, 6, 6, new java.io.ByteArrayInputStream(new byte[10])))
        .isInstanceOf(IOException.class);
    try (Stream<Path> files = Files.list(server.root().resolve(path).resolve("ltx/0"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .allMatch(n -> n.endsWith(".ltx"))
          .hasSize(5);
    }
  }

  @Test
  void filesWithoutATimestampPropertyGetTheirHeaderTimestamp() throws Exception {
    // As Litestream writes them: a plain PUT, the server's clock as modification time.
    byte[] data = io.litestream4j.replica.TestLtx.bytes(3, 4, T2, 50);
    server.put(path + "/ltx/1/0000000000000003-0000000000000004.ltx", data);
    assertThat(client.ltxFiles(1, 0))
        .singleElement()
        .satisfies(f -> assertThat(f.createdAt()).isNotEqualTo(T2));
    assertThat(client.ltxFilesWithExactTimestamps(1, 0))
        .containsExactly(new LtxFileInfo(1, 3, 4, data.length, T2));
  }

  @Test
  void urlFormsAndKeysFollowLitestream() {
    var plain =
        WebdavSettings.from(
            ReplicaConfig.forUrl("webdav://bob:pw@dav.example.com:8080/backups/db"));
    assertThat(plain.root().toString()).isEqualTo("http://dav.example.com:8080/");
    assertThat(plain.username()).hasValue("bob");
    assertThat(plain.password()).hasValue("pw");
    assertThat(plain.path()).isEqualTo("backups/db");
    assertThat(plain.toString()).doesNotContain("pw@").contains("***");
    var tls = WebdavSettings.from(ReplicaConfig.forUrl("webdavs://dav.example.com/db"));
    assertThat(tls.root().toString()).isEqualTo("https://dav.example.com/");
    assertThat(tls.username()).isEmpty();
    var keyed = WebdavSettings.of("https://me:hunter2@dav.example.com/remote.php/dav", "db");
    assertThat(keyed.location()).isEqualTo("https://dav.example.com/remote.php/dav/db");
    assertThat(keyed.username()).hasValue("me");
    assertThat(keyed.password()).hasValue("hunter2");
  }

  @Test
  void aPathBelowTheServerRootUrlIsKept() throws Exception {
    server.put("mounted/area/readme.txt", new byte[1]); // the root URL names an existing directory
    try (var c = new WebdavReplicaClient(WebdavSettings.of(server.url() + "mounted/area", "db"))) {
      c.writeLtxFile(
          0,
          1,
          1,
          new java.io.ByteArrayInputStream(io.litestream4j.replica.TestLtx.bytes(1, 1, T1, 10)));
    }
    assertThat(server.root().resolve("mounted/area/db/ltx/0/0000000000000001-0000000000000001.ltx"))
        .exists();
  }

  @Test
  void noUrlAndNoWebdavUrlIsAConfigError() {
    var config =
        new ReplicaConfig(
            "webdav",
            Optional.empty(),
            Optional.of("db"),
            ReplicaConfig.DEFAULT_SYNC_INTERVAL,
            ReplicaConfig.DEFAULT_MAX_SYNC_LTX_FILES,
            false,
            io.litestream4j.config.ReplicaOptions.empty());
    assertThatThrownBy(() -> WebdavSettings.from(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("webdav-url required");
  }

  @Test
  void anUnreachableServerIsNamed() {
    try (var c = new WebdavReplicaClient(WebdavSettings.of("http://127.0.0.1:1/", "db"))) {
      assertThatThrownBy(() -> c.ltxFiles(0, 0))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:1")
          .hasMessageContaining("reachable");
    }
  }
}
