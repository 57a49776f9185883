package io.litestream4j.nats;

import io.litestream4j.testing.Await;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code nats-server} with JetStream (Debian package {@code nats-server}) on a loopback
 * port, storing into a temporary directory, optionally with an {@code authorization} block in its
 * configuration file. {@link #restart()} stops it and starts it again on the same port and store,
 * so JetStream data survives as it would for a real restart. {@link #createBucket} creates object
 * store buckets (litestream4j never does).
 *
 * <p>Tests are skipped with a message naming the package when {@code nats-server} is not installed.
 */
public final class NatsServer implements AutoCloseable {

  public static final Path NATS_SERVER = Path.of("/usr/sbin/nats-server");

  private final Path dir;
  private final String authorization;
  private final Consumer<Options.Builder> adminAuth;
  private final int port;
  private Process process;

  private NatsServer(Path dir, String authorization, Consumer<Options.Builder> adminAuth, int port) {
    this.dir = dir;
    this.authorization = authorization;
    this.adminAuth = adminAuth;
    this.port = port;
  }

  public static NatsServer start(Path parent) throws Exception {
    return start(parent, "", b -> { });
  }

  /**
   * Starts a server whose configuration file contains {@code authorization} (e.g.
   * {@code authorization { token: "t" }}); {@code adminAuth} lets the fixture itself log in.
   */
  public static NatsServer start(Path parent, String authorization, Consumer<Options.Builder> adminAuth) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(NATS_SERVER),
        "nats-server is not installed: install the Debian package nats-server (scripts/test-packages.txt)");
    Path dir = Files.createTempDirectory(parent, "nats-");
    for (int attempt = 1; ; attempt++) {
      var server = new NatsServer(dir, authorization, adminAuth, freePort());
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
    Path config = dir.resolve("nats.conf");
    Files.writeString(config, String.join("\n", List.of(
        "listen: 127.0.0.1:" + port,
        "jetstream { store_dir: \"" + dir.resolve("store") + "\" }",
        authorization)) + "\n");
    Path log = dir.resolve("nats.log");
    process = new ProcessBuilder(NATS_SERVER.toString(), "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      Await.until(() -> {
        if (!process.isAlive()) {
          throw new IOException("nats-server exited with " + process.exitValue() + ": " + Files.readString(log));
        }
        return accepts();
      }, Duration.ofSeconds(30), "nats-server to listen on port " + port);
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

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public NatsSettings settings(String bucket) {
    return NatsSettings.of(url(), bucket).withReconnects(-1, Duration.ofMillis(250), Duration.ofSeconds(10));
  }

  /** Creates an object store bucket (file storage). */
  public void createBucket(String bucket) throws Exception {
    Options.Builder b = new Options.Builder().server(url()).connectionTimeout(Duration.ofSeconds(10));
    adminAuth.accept(b);
    try (Connection nc = Nats.connect(b.build())) {
      nc.objectStoreManagement().create(ObjectStoreConfiguration.builder(bucket).storageType(StorageType.File).build());
    }
  }

  public void restart() throws Exception {
    stop();
    Await.until(() -> !accepts(), Duration.ofSeconds(30), "nats-server to stop listening");
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
