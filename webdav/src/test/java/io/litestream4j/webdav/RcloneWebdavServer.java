package io.litestream4j.webdav;

import io.litestream4j.testing.LoopbackServerProcess;
import io.litestream4j.testing.RestartableServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * A real WebDAV server for the tests: {@code rclone serve webdav} (Debian package {@code rclone})
 * serving a temporary directory on a loopback port, optionally with a user and password. rclone
 * caches directory listings, so tests add files through WebDAV ({@link #put}), not on disk. {@link
 * #restart()} stops it and starts it again on the same port and directory.
 *
 * <p>Tests are skipped with a message naming the package when {@code rclone} is not installed.
 */
public final class RcloneWebdavServer implements RestartableServer {

  public static final Path RCLONE = Path.of("/usr/bin/rclone");

  private final Path root;
  private final Optional<String> user;
  private final Optional<String> password;
  private final LoopbackServerProcess server;

  private RcloneWebdavServer(
      Path root, Optional<String> user, Optional<String> password, LoopbackServerProcess server) {
    this.root = root;
    this.user = user;
    this.password = password;
    this.server = server;
  }

  public static RcloneWebdavServer start(Path parent) throws Exception {
    return start(parent, Optional.empty(), Optional.empty());
  }

  /**
   * Starts a server for a new directory under {@code parent}, requiring the credentials if given.
   */
  public static RcloneWebdavServer start(
      Path parent, Optional<String> user, Optional<String> password) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(RCLONE),
        "rclone is not installed: install the Debian package rclone (scripts/test-packages.txt)");
    Path root = Files.createTempDirectory(parent, "webdav-");
    Path log = root.resolveSibling(root.getFileName() + ".log");
    var server =
        LoopbackServerProcess.start(
            "rclone",
            log,
            port -> {
              var command =
                  new ArrayList<>(
                      List.of(
                          RCLONE.toString(),
                          "serve",
                          "webdav",
                          root.toString(),
                          "--addr",
                          LoopbackServerProcess.HOST + ":" + port,
                          "--config",
                          "/dev/null",
                          "--log-level",
                          "ERROR"));
              user.ifPresent(u -> command.addAll(List.of("--user", u)));
              password.ifPresent(p -> command.addAll(List.of("--pass", p)));
              return command;
            });
    return new RcloneWebdavServer(root, user, password, server);
  }

  @Override
  public String name() {
    return server.name();
  }

  public int port() {
    return server.port();
  }

  /** The served directory. */
  public Path root() {
    return root;
  }

  public String url() {
    return "http://" + LoopbackServerProcess.HOST + ":" + port() + "/";
  }

  public WebdavSettings settings(String path) {
    WebdavSettings s = WebdavSettings.of(url(), path);
    return user.isPresent() ? s.withCredentials(user.get(), password.orElse("")) : s;
  }

  /**
   * Stores a file at {@code relativePath} below the root with plain WebDAV requests (MKCOL, PUT).
   */
  public void put(String relativePath, byte[] data) throws IOException, InterruptedException {
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      String[] parts = relativePath.split("/");
      var dir = new StringBuilder(url());
      for (int i = 0; i < parts.length - 1; i++) {
        dir.append(parts[i]).append('/');
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(dir.toString()))
                .method("MKCOL", java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
      }
      var r =
          http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(url() + relativePath))
                  .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(data))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 != 2) {
        throw new IOException("PUT " + relativePath + ": HTTP " + r.statusCode());
      }
    }
  }

  @Override
  public void restart() throws Exception {
    server.restart();
  }

  @Override
  public void stop() throws InterruptedException {
    server.stop();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
