package io.litestream4j.spring;

import io.litestream4j.Replication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The health of one replication, independent of Spring Boot's health API (which moved between Boot
 * 3 and 4; see {@link Boot3HealthIndicator} and {@link Boot4HealthIndicator}): DOWN once local
 * commits have waited longer than {@code maxLag} for the replica, or when replication stopped by
 * itself (lease lost); UP otherwise, including during a short outage still within the allowed lag.
 *
 * <p>"Waiting since" is measured by a background sampler (one daemon thread, {@code l4j-health}),
 * so the status is accurate to one sample interval however rarely the endpoint is polled.
 */
public final class ReplicationHealth implements AutoCloseable {
  /** A health verdict with the details shown by the endpoint. */
  public record Status(boolean up, Map<String, Object> details) {
    /**
     * Hands this verdict to a health builder of either Boot generation (their builders share these
     * methods by name only): the details, then exactly one of {@code up} or {@code down}.
     */
    public void report(Consumer<Map<String, Object>> withDetails, Runnable up, Runnable down) {
      withDetails.accept(details);
      if (this.up) {
        up.run();
      } else {
        down.run();
      }
    }
  }

  private final Replication replication;
  private final Duration maxLag;
  private final Clock clock;
  private final ScheduledExecutorService sampler;
  private volatile Instant behindSince;

  public ReplicationHealth(
      Replication replication, Duration maxLag, Duration sampleInterval, Clock clock) {
    this.replication = replication;
    this.maxLag = maxLag;
    this.clock = clock;
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("l4j-health").daemon(true).factory());
    long period = Math.max(10, sampleInterval.toMillis());
    sampler.scheduleWithFixedDelay(this::sample, 0, period, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    if (replication.replicatedTxid() >= replication.position().txid()) {
      behindSince = null;
    } else if (behindSince == null) {
      behindSince = clock.instant();
    }
  }

  /** The current verdict. */
  public Status check() {
    sample();
    long local = replication.position().txid();
    long replicated = Math.max(0, replication.replicatedTxid());
    Instant since = behindSince;
    Duration lag = since == null ? Duration.ZERO : Duration.between(since, clock.instant());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("database", replication.options().database().toString());
    details.put("replica", replication.options().replicaUrl());
    details.put("localTxid", Long.toHexString(local));
    details.put("replicaTxid", Long.toHexString(replicated));
    details.put("lagMillis", lag.toMillis());
    replication.replicaError().ifPresent(e -> details.put("lastError", e.getMessage()));
    boolean up = true;
    if (replication.failure().isPresent()) {
      details.put("stopped", replication.failure().get().getMessage());
      up = false;
    } else if (lag.compareTo(maxLag) > 0) {
      details.put(
          "reason",
          "commits have waited "
              + lag.toSeconds()
              + " s for the replica (max-lag "
              + maxLag.toSeconds()
              + " s)");
      up = false;
    }
    return new Status(up, details);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
