package io.litestream4j.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClientContract;
import io.litestream4j.replica.TestLtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica client contract against OpenSSH's sshd on loopback, plus what only SFTP has: file
 * modification times, temporary upload names, host key pinning, the dial timeout and reconnecting
 * after the server dropped the connection.
 */
class SftpReplicaClientTest extends ReplicaClientContract {

  private static final AtomicInteger REPLICAS = new AtomicInteger();

  @TempDir static Path serverDir;
  static OpenSshServer server;
  Path replicaDir;

  @BeforeAll
  static void startServer() throws Exception {
    server = OpenSshServer.start(serverDir);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected ReplicaClient newClient() throws IOException {
    replicaDir = serverDir.resolve("replica-" + REPLICAS.incrementAndGet()).resolve("db");
    return new SftpReplicaClient(server.settings(replicaDir.toString()));
  }

  @Override
  protected Optional<RawStore> rawStore() {
    return Optional.of(RawStore.directory(replicaDir));
  }

  @Override
  protected boolean listingHasExactTimestamps() {
    return false; // whole seconds
  }

  @Override
  protected Optional<ExpectedFailure> wrongCredentials() throws Exception {
    Path otherKey = serverDir.resolve("stranger-" + REPLICAS.incrementAndGet());
    Process p =
        new ProcessBuilder(
                "/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    SftpSettings s =
        server
            .settings(replicaDir.toString())
            .withKeyPath(otherKey.toString())
            .withPassword("s3cret-pw");
    return Optional.of(
        new ExpectedFailure(
            new SftpReplicaClient(s),
            List.of(
                "authentication as '" + server.user() + "' failed", "127.0.0.1:" + server.port()),
            List.of("s3cret-pw")));
  }

  @Test
  void fileModificationTimeIsTheHeaderTimestampInSeconds() throws IOException {
    write(0, 1, 1, T1, 10);
    Path file = replicaDir.resolve("ltx/0/0000000000000001-0000000000000001.ltx");
    assertThat(Files.getLastModifiedTime(file).toInstant())
        .isEqualTo(T1.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(client.ltxFiles(0, 0))
        .extracting(LtxFileInfo::createdAt)
        .containsExactly(T1.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void uploadsLeaveNoTemporaryFilesBehind() throws Exception {
    for (long txid = 1; txid <= 5; txid++) {
      write(0, txid, txid, T1, 100);
    }
    assertThatThrownBy(() -> client.writeLtxFile(0, 6, 6, new ByteArrayInputStream(new byte[10])))
        .isInstanceOf(IOException.class);
    try (Stream<Path> files = Files.list(replicaDir.resolve("ltx/0"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .allMatch(n -> n.endsWith(".ltx"))
          .hasSize(5);
    }
  }

  @Test
  void aPathKeyIsRelativeToTheLoginDirectoryAndAUrlPathIsAbsolute() {
    var viaUrl =
        SftpSettings.from(
            io.litestream4j.config.ReplicaConfig.forUrl(
                "sftp://bob:pw@example.com:2222/backups/db"));
    assertThat(viaUrl.host()).isEqualTo("example.com");
    assertThat(viaUrl.port()).isEqualTo(2222);
    assertThat(viaUrl.user()).isEqualTo("bob");
    assertThat(viaUrl.password()).hasValue("pw");
    assertThat(viaUrl.path()).isEqualTo("/backups/db");
    assertThat(viaUrl.hostKey()).isEmpty();
    assertThat(viaUrl.concurrentWrites()).isTrue();
    assertThat(viaUrl.toString()).doesNotContain("pw@").contains("host key not verified");
  }

  @Test
  void aServerPresentingAnotherHostKeyIsRefused() throws Exception {
    Path other = serverDir.resolve("other-host-" + REPLICAS.incrementAndGet());
    Process p =
        new ProcessBuilder(
                "/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString())
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    SftpHostKey wrong = SftpHostKey.parse(Files.readString(Path.of(other + ".pub")));
    try (var c = new SftpReplicaClient(server.settings(replicaDir.toString()).withHostKey(wrong))) {
      assertThatThrownBy(c::init)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("did not present the configured host-key")
          .hasMessageContaining(wrong.toString())
          .hasMessageContaining(
              SftpHostKey.fingerprint(SftpHostKey.parse(server.hostKeyLine()).blob()));
    }
  }

  @Test
  void withoutAHostKeyTheConnectionWorksUnverified() throws Exception {
    SftpSettings s =
        SftpSettings.of("127.0.0.1", server.port(), server.user(), replicaDir.toString())
            .withKeyPath(server.userKey().toString());
    try (var c = new SftpReplicaClient(s)) {
      c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10)));
      assertThat(c.ltxFiles(0, 0)).hasSize(1);
    }
  }

  @Test
  void theDialTimeoutBoundsAServerThatNeverAnswers() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      SftpSettings s =
          SftpSettings.of("127.0.0.1", silent.getLocalPort(), "nobody", "/x")
              .withDialTimeout(Duration.ofMillis(800));
      try (var c = new SftpReplicaClient(s)) {
        long start = System.nanoTime();
        assertThatThrownBy(c::init)
            .isInstanceOf(IOException.class)
            .hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      }
    }
  }

  @Test
  void aMissingKeyFileIsNamed() {
    SftpSettings s =
        SftpSettings.of("127.0.0.1", server.port(), "root", "/x")
            .withKeyPath("/nonexistent/id_ed25519");
    try (var c = new SftpReplicaClient(s)) {
      assertThatThrownBy(c::init)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("/nonexistent/id_ed25519");
    }
  }

  @Test
  void operationsContinueAfterTheServerDroppedEveryConnection() throws Exception {
    write(0, 1, 1, T1, 100);
    long before = ((SftpReplicaClient) client).sessionsOpened();
    assertThat(server.killSessions()).isPositive();
    write(0, 2, 2, T1, 100);
    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L, 2L);
    assertThat(((SftpReplicaClient) client).sessionsOpened()).isGreaterThan(before);
    assertThat(readAll(0, 1, 1, 0, 0)).isEqualTo(TestLtx.bytes(1, 1, T1, 100));
  }

  @Test
  void deletingAMissingFileIsNotAnError() throws IOException {
    client.deleteLtxFiles(List.of(new LtxFileInfo(0, 9, 9, 0, T1)));
    assertThatThrownBy(() -> client.openLtxFile(0, 9, 9, 0, 0))
        .isInstanceOf(NoSuchFileException.class);
  }
}
