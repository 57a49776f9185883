package io.litestream4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.SqliteCli;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heartbeat against a local JDK HTTP server and a real replication: pings while the database
 * replicates, none while its replica is failing, pings again after. Uses the package-private
 * constructor for a 500 ms interval (the public factory enforces Litestream's 1 minute minimum).
 */
class HeartbeatTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();
  private final AtomicInteger pings = new AtomicInteger();
  private HttpServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/ping",
        ex -> {
          try (ex) {
            if ("GET".equals(ex.getRequestMethod())) {
              pings.incrementAndGet();
            }
            ex.sendResponseHeaders(200, -1);
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void pingsOnlyWhileEveryDatabaseUploads() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    sqlite.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ping");
    Duration interval = Duration.ofMillis(500);
    try (Replication r =
            Replication.start(
                ReplicationOptions.of(db, replica.toUri().toString())
                    .withSyncInterval(Duration.ofMillis(100))
                    .withShutdownSync(Duration.ZERO, Duration.ofMillis(10)));
        Heartbeat hb =
            new Heartbeat(
                url, interval, Duration.ofMillis(50), () -> List.of(r), Clock.systemUTC())) {
      r.syncAndAwait(Duration.ofSeconds(30));
      Await.until(
          () -> pings.get() >= 2, Duration.ofSeconds(30), "two heartbeats while replicating");

      // The replica becomes unreachable (a file where its directory was; root ignores permissions).
      Path away = dir.resolve("replica.away");
      Files.move(replica, away);
      Files.writeString(replica, "not a directory");
      sqlite.run(db, "INSERT INTO t VALUES (2);");
      Await.until(() -> r.replicaError().isPresent(), Duration.ofSeconds(30), "the upload to fail");
      assertThat(hb.healthy(java.time.Instant.now())).isFalse();
      int before = pings.get();
      long until = System.nanoTime() + interval.multipliedBy(4).toNanos();
      while (System.nanoTime() < until) {
        assertThat(r.replicaError()).as("still failing during the observation window").isPresent();
        Thread.sleep(50);
      }
      assertThat(pings.get())
          .as("no heartbeat while the database is failing")
          .isLessThanOrEqualTo(before + 1);
      int during = pings.get();

      Files.delete(replica);
      Files.move(away, replica);
      Await.until(
          () -> r.replicaError().isEmpty() && r.oldestUnreplicatedSince().isEmpty(),
          Duration.ofSeconds(60),
          "uploads to recover");
      Await.until(() -> pings.get() >= during + 2, Duration.ofSeconds(30), "heartbeats to resume");
    }
  }

  @Test
  void noDatabasesMeansNoPing() {
    try (Heartbeat hb =
        new Heartbeat(
            URI.create("http://127.0.0.1:1/"),
            Duration.ofMillis(10),
            Duration.ofHours(1),
            List::of,
            Clock.systemUTC())) {
      assertThat(hb.healthy(java.time.Instant.now())).isFalse();
    }
  }

  @Test
  void publicFactoryEnforcesTheMinimumAndTheScheme() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Heartbeat.start("ftp://x/", Duration.ofMinutes(5), List::of))
        .hasMessageContaining("heartbeat-url must start with http:// or https://");
  }
}
