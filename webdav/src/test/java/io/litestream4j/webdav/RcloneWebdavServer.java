package io.litestream4j.webdav;

import io.litestream4j.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real WebDAV server for the tests: {@code rclone serve webdav} (Debian package {@code rclone})
 * serving a temporary directory on a loopback port, optionally with a user and password. rclone
 * caches directory listings, so tests add files through WebDAV ({@link #put}), not on disk.
 * {@link #restart()} stops it and starts it again on the same port and directory.
 *
 * <p>Tests are skipped with a message naming the package when {@code rclone} is not installed.
 */
public final class RcloneWebdavServer implements AutoCloseable {

  public static final Path RCLONE = Path.of("/usr/bin/rclone");

  private final Path root;
  private final Path log;
  private final Optional<String> user;
  private final Optional<String> password;
  private final int port;
  private Process process;

  private RcloneWebdavServer(Path root, Path log, Optional<String> user, Optional<String> password, int port) {
    this.root = root;
    this.log = log;
    this.user = user;
    this.password = password;
    this.port = port;
  }

  public static RcloneWebdavServer start(Path parent) throws Exception {
    return start(parent, Optional.empty(), Optional.empty());
  }

  /** Starts a server for a new directory under {@code parent}, requiring the credentials if given. */
  public static RcloneWebdavServer start(Path parent, Optional<String> user, Optional<String> password) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(RCLONE),
        "rclone is not installed: install the Debian package rclone (scripts/test-packages.txt)");
    Path root = Files.createTempDirectory(parent, "webdav-");
    Path log = root.resolveSibling(root.getFileName() + ".log");
    for (int attempt = 1; ; attempt++) {
      var server = new RcloneWebdavServer(root, log, user, password, freePort());
      try {
        server.launch();
        return server;
      } catch (IOException portTaken) {
        server.stop();
        if (attempt == 3) {
          throw portTaken;
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void launch() throws Exception {
    var command = new ArrayList<>(List.of(RCLONE.toString(), "serve", "webdav", root.toString(),
        "--addr", "127.0.0.1:" + port, "--config", "/dev/null", "--log-level", "ERROR"));
    user.ifPresent(u -> command.addAll(List.of("--user", u)));
    password.ifPresent(p -> command.addAll(List.of("--pass", p)));
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      Await.until(() -> {
        if (!process.isAlive()) {
          throw new IOException("rclone exited with " + process.exitValue() + ": " + Files.readString(log));
        }
        return accepts();
      }, Duration.ofSeconds(30), "rclone to listen on port " + port);
    } catch (AssertionError e) {
      throw new IOException(e.getMessage());
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  /** The served directory. */
  public Path root() {
    return root;
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/";
  }

  public WebdavSettings settings(String path) {
    WebdavSettings s = WebdavSettings.of(url(), path);
    return user.isPresent() ? s.withCredentials(user.get(), password.orElse("")) : s;
  }

  /** Stores a file at {@code relativePath} below the root with plain WebDAV requests (MKCOL, PUT). */
  public void put(String relativePath, byte[] data) throws IOException, InterruptedException {
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      String[] parts = relativePath.split("/");
      var dir = new StringBuilder(url());
      for (int i = 0; i < parts.length - 1; i++) {
        dir.append(parts[i]).append('/');
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(dir.toString()))
            .method("MKCOL", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
      }
      var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url() + relativePath))
          .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(data)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() / 100 != 2) {
        throw new IOException("PUT " + relativePath + ": HTTP " + r.statusCode());
      }
    }
  }

  public void restart() throws Exception {
    stop();
    Await.until(() -> !accepts(), Duration.ofSeconds(30), "rclone to stop listening");
    launch();
  }

  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
