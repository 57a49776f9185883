package io.litestream4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.ReplicationOptions;
import io.litestream4j.Replicator;
import io.litestream4j.config.SocketConfig;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control socket's file handling (mode, stale socket, non-socket file, live socket) and errors.
 */
class ControlSocketServerTest {
  @TempDir Path dir;

  private DatabaseRegistry registry(Replicator r) {
    return new DatabaseRegistry(
        r,
        ReplicaOperations.NONE,
        ReplicationOptions::of,
        Duration.ofSeconds(1),
        Clock.systemUTC());
  }

  @Test
  void socketGetsTheConfiguredModeAndAnswersInfo() throws Exception {
    Path sock = dir.resolve("a.sock");
    try (Replicator r = Replicator.create();
        ControlSocketServer s =
            ControlSocketServer.start(
                new SocketConfig(true, sock, 0640), registry(r), "vX", Instant.now())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)))
          .isEqualTo("rw-r-----");
      Map<String, Object> info =
          new ControlSocketClient(sock, Duration.ofSeconds(10)).get("/info", Map.of());
      assertThat(info).containsEntry("version", "vX").containsEntry("database_count", 0L);
      assertThatThrownBy(
              () ->
                  new ControlSocketClient(sock, Duration.ofSeconds(10))
                      .post("/sync", Map.of("path", dir.resolve("x.db").toString())))
          .hasMessageContaining("database not found");
      assertThatThrownBy(
              () -> new ControlSocketClient(sock, Duration.ofSeconds(10)).post("/start", Map.of()))
          .hasMessageContaining("path is required");
    }
    assertThat(sock).doesNotExist();
  }

  @Test
  void staleSocketFileIsReplaced() throws Exception {
    Path sock = dir.resolve("stale.sock");
    ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    old.bind(UnixDomainSocketAddress.of(sock));
    old.close(); // the file stays, nobody listens: what a crashed replicator leaves behind
    assertThat(sock).exists();
    try (Replicator r = Replicator.create();
        ControlSocketServer s =
            ControlSocketServer.start(
                new SocketConfig(true, sock, 0600), registry(r), "v", Instant.now())) {
      assertThat(new ControlSocketClient(sock, Duration.ofSeconds(10)).get("/list", Map.of()))
          .containsEntry("databases", java.util.List.of());
    }
  }

  @Test
  void nonSocketFileIsAnErrorAndIsLeftAlone() throws Exception {
    Path file = dir.resolve("not-a-socket");
    Files.writeString(file, "precious");
    try (Replicator r = Replicator.create()) {
      assertThatThrownBy(
              () ->
                  ControlSocketServer.start(
                      new SocketConfig(true, file, 0600), registry(r), "v", Instant.now()))
          .hasMessageContaining("exists and is not a socket");
    }
    assertThat(Files.readString(file)).isEqualTo("precious");
  }

  @Test
  void liveSocketOfAnotherProcessIsNotStolen() throws Exception {
    Path sock = dir.resolve("live.sock");
    try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Replicator r = Replicator.create()) {
      other.bind(UnixDomainSocketAddress.of(sock));
      assertThatThrownBy(
              () ->
                  ControlSocketServer.start(
                      new SocketConfig(true, sock, 0600), registry(r), "v", Instant.now()))
          .hasMessageContaining("in use by another running process");
    }
  }
}
