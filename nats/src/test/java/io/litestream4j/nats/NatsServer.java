package io.litestream4j.nats;

import io.litestream4j.testing.LoopbackServerProcess;
import io.litestream4j.testing.RestartableServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.StorageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
public final class NatsServer implements RestartableServer {

  public static final Path NATS_SERVER = Path.of("/usr/sbin/nats-server");

  private final Consumer<Options.Builder> adminAuth;
  private final LoopbackServerProcess server;

  private NatsServer(Consumer<Options.Builder> adminAuth, LoopbackServerProcess server) {
    this.adminAuth = adminAuth;
    this.server = server;
  }

  public static NatsServer start(Path parent) throws Exception {
    return start(parent, "", b -> {});
  }

  /**
   * Starts a server whose configuration file contains {@code authorization} (e.g. {@code
   * authorization { token: "t" }}); {@code adminAuth} lets the fixture itself log in.
   */
  public static NatsServer start(
      Path parent, String authorization, Consumer<Options.Builder> adminAuth) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(NATS_SERVER),
        "nats-server is not installed: install the Debian package nats-server (scripts/test-packages.txt)");
    Path dir = Files.createTempDirectory(parent, "nats-");
    var server =
        LoopbackServerProcess.start(
            "nats-server",
            dir.resolve("nats.log"),
            port -> {
              Path config = dir.resolve("nats.conf");
              Files.writeString(
                  config,
                  String.join(
                          "\n",
                          List.of(
                              "listen: " + LoopbackServerProcess.HOST + ":" + port,
                              "jetstream { store_dir: \"" + dir.resolve("store") + "\" }",
                              authorization))
                      + "\n");
              return List.of(NATS_SERVER.toString(), "-c", config.toString());
            });
    return new NatsServer(adminAuth, server);
  }

  public String url() {
    return "nats://" + LoopbackServerProcess.HOST + ":" + port();
  }

  @Override
  public String name() {
    return server.name();
  }

  public int port() {
    return server.port();
  }

  public NatsSettings settings(String bucket) {
    return NatsSettings.of(url(), bucket)
        .withReconnects(-1, Duration.ofMillis(250), Duration.ofSeconds(10));
  }

  /** Creates an object store bucket (file storage). */
  public void createBucket(String bucket) throws Exception {
    Options.Builder b =
        new Options.Builder().server(url()).connectionTimeout(Duration.ofSeconds(10));
    adminAuth.accept(b);
    try (Connection nc = Nats.connect(b.build())) {
      nc.objectStoreManagement()
          .create(ObjectStoreConfiguration.builder(bucket).storageType(StorageType.File).build());
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
