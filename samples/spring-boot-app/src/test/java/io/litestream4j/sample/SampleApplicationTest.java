package io.litestream4j.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.Await;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sample application, started for real (embedded Tomcat on an ephemeral port, HikariCP,
 * sqlite-jdbc) with the starter replicating its database to a file replica.
 */
class SampleApplicationTest {
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void replicatesHealthFollowsTheReplicaAndAMissingDatabaseIsRestoredOnStartUp() throws Exception {
    Path db = dir.resolve("orders.db");
    Path replica = dir.resolve("replica");
    Path content;
    List<String> placed;
    try (ConfigurableApplicationContext app = start(db, replica)) {
      String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
      for (int i = 0; i < 20; i++) {
        post(base + "/orders?item=coffee-" + i + "&quantity=" + i);
      }
      Await.until(
          () -> health(base).contains("\"status\":\"UP\""), Duration.ofSeconds(30), "health UP");
      assertThat(get(base + "/actuator/info")).contains("litestream4j").contains("localTxid");
      MeterRegistry meters = app.getBean(MeterRegistry.class);
      assertThat(meters.find("litestream.txid").gauge())
          .as("the starter's replication metrics in the application's registry")
          .isNotNull()
          .satisfies(g -> assertThat(g.value()).isPositive());

      // The replica becomes unreachable: its directory is replaced by a regular file.
      Path away = dir.resolve("replica-away");
      Files.move(replica, away);
      Files.writeString(replica, "not a directory");
      post(base + "/orders?item=during-outage&quantity=1");
      Await.until(
          () -> health(base).contains("\"status\":\"DOWN\""),
          Duration.ofSeconds(30),
          "health DOWN while the replica is unreachable");
      assertThat(health(base)).contains("commits have waited");

      Files.delete(replica);
      Files.move(away, replica);
      Await.until(
          () -> health(base).contains("\"status\":\"UP\""),
          Duration.ofSeconds(60),
          "health UP again once the replica is back");
      placed = app.getBean(OrderService.class).items();
      assertThat(placed).hasSize(21).contains("during-outage");
    }
    // Closing the application closed replication after the data source: the replica holds it all.
    Path rebuilt = dir.resolve("rebuilt.db");
    L0Restore.restore(replica.resolve("ltx/0"), Long.MAX_VALUE, rebuilt);
    DbCompare.assertSameContent(db, rebuilt);
    DbCompare.assertIntegrity(rebuilt);
    content = rebuilt;

    // A fresh machine: the database is gone; the starter restores it before the data source opens.
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(Path.of(db + suffix));
    }
    try (ConfigurableApplicationContext app = start(db, replica)) {
      assertThat(app.getBean(OrderService.class).items()).isEqualTo(placed);
    }
    DbCompare.assertSameContent(content, db);
    DbCompare.assertIntegrity(db);
  }

  private static ConfigurableApplicationContext start(Path db, Path replica) {
    return SpringApplication.run(
        SampleApplication.class,
        "--server.port=0",
        "--server.address=127.0.0.1",
        "--litestream4j.database=" + db,
        "--litestream4j.replica-url=" + replica.toUri(),
        "--litestream4j.sync-interval=100ms",
        "--litestream4j.shutdown-sync-timeout=10s",
        "--litestream4j.health.max-lag=1s",
        "--litestream4j.health.sample-interval=100ms");
  }

  private String health(String base) throws Exception {
    return get(base + "/actuator/health");
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private void post(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("POST %s: %s", url, r.body()).isEqualTo(200);
  }
}
