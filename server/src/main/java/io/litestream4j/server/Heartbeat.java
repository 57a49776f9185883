package io.litestream4j.server;

import io.litestream4j.Replication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code heartbeat-url}: a dead man's switch. Every {@code checkEvery} (15 s) it sends an HTTP GET
 * to the URL if {@code interval} has passed since the last attempt and every running database is
 * healthy: no upload error, replication not stopped, and either a successful upload within the
 * interval or nothing waiting to be uploaded (an idle database that is caught up is healthy). No
 * databases means no ping. The attempt time is recorded before the request, so a failing endpoint
 * is not hammered; failures are logged only.
 *
 * <p>The public factory enforces Litestream's minimum interval of one minute; tests use the
 * package-private constructor for shorter intervals.
 */
public final class Heartbeat implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
  public static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
  static final Duration CHECK_EVERY = Duration.ofSeconds(15);

  private final URI url;
  private final Duration interval;
  private final Supplier<List<Replication>> databases;
  private final Clock clock;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private Instant lastAttempt = Instant.EPOCH;

  /** Test hook: any interval and check period. */
  Heartbeat(
      URI url,
      Duration interval,
      Duration checkEvery,
      Supplier<List<Replication>> databases,
      Clock clock) {
    this.url = url;
    this.interval = interval;
    this.databases = databases;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("l4j-heartbeat").daemon(true).factory());
    timer.scheduleWithFixedDelay(
        this::tick, checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  public static Heartbeat start(
      String url, Duration interval, Supplier<List<Replication>> databases) {
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException(
          "heartbeat-url must start with http:// or https:// (got " + url + ")");
    }
    Duration i = interval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : interval;
    LOG.atInfo()
        .addKeyValue("heartbeat", url)
        .log("GET every {} while every database replicates", i);
    return new Heartbeat(URI.create(url), i, CHECK_EVERY, databases, Clock.systemUTC());
  }

  /** Whether a ping would be sent now (every database healthy within the interval). */
  boolean healthy(Instant now) {
    List<Replication> dbs = databases.get();
    if (dbs.isEmpty()) {
      return false;
    }
    for (Replication r : dbs) {
      if (!r.running() || r.replicaError().isPresent()) {
        return false;
      }
      boolean caughtUp = r.oldestUnreplicatedSince().isEmpty();
      boolean recentUpload =
          r.lastUploadTime().map(t -> !t.isBefore(now.minus(interval))).orElse(false);
      if (!caughtUp && !recentUpload) {
        return false;
      }
      if (r.lastUploadTime().isEmpty() && r.replicatedTxid() == 0) {
        return false; // never synced to the replica
      }
    }
    return true;
  }

  private void tick() {
    try {
      Instant now = clock.instant();
      if (now.isBefore(lastAttempt.plus(interval)) || !healthy(now)) {
        return;
      }
      lastAttempt = now;
      HttpResponse<Void> resp =
          http.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      if (resp.statusCode() / 100 != 2) {
        LOG.atWarn().addKeyValue("heartbeat", url).log("GET returned HTTP {}", resp.statusCode());
      } else {
        LOG.debug("heartbeat sent");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.atWarn().addKeyValue("heartbeat", url).log("GET failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
  }
}
