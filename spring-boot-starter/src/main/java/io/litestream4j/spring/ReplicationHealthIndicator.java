package io.litestream4j.spring;

import io.litestream4j.Replication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Actuator health of replication: DOWN once local commits have waited longer than
 * {@code litestream4j.health.max-lag} for the replica, or when replication stopped by itself (lease
 * lost); UP otherwise, including while a short outage is still within the allowed lag.
 *
 * <p>"Waiting since" is measured by a background sampler (one daemon thread, {@code l4j-health}),
 * so the indicator is accurate to one sample interval however rarely the endpoint is polled.
 * Details show local and replica TXIDs, the lag and the last upload error.
 */
public final class ReplicationHealthIndicator extends AbstractHealthIndicator implements DisposableBean {
  private final Replication replication;
  private final Duration maxLag;
  private final Clock clock;
  private final ScheduledExecutorService sampler;
  private volatile Instant behindSince;

  public ReplicationHealthIndicator(Replication replication, Duration maxLag, Duration sampleInterval, Clock clock) {
    super("replication health check failed");
    this.replication = replication;
    this.maxLag = maxLag;
    this.clock = clock;
    this.sampler = Executors.newSingleThreadScheduledExecutor(
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

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    sample();
    long local = replication.position().txid();
    long replicated = Math.max(0, replication.replicatedTxid());
    Instant since = behindSince;
    Duration lag = since == null ? Duration.ZERO : Duration.between(since, clock.instant());
    builder.withDetail("database", replication.options().database().toString())
        .withDetail("replica", replication.options().replicaUrl())
        .withDetail("localTxid", Long.toHexString(local))
        .withDetail("replicaTxid", Long.toHexString(replicated))
        .withDetail("lagMillis", lag.toMillis());
    replication.replicaError().ifPresent(e -> builder.withDetail("lastError", e.getMessage()));
    if (replication.failure().isPresent()) {
      builder.down().withDetail("stopped", replication.failure().get().getMessage());
    } else if (lag.compareTo(maxLag) > 0) {
      builder.down().withDetail("reason", "commits have waited " + lag.toSeconds() + " s for the replica (max-lag "
          + maxLag.toSeconds() + " s)");
    } else {
      builder.up();
    }
  }

  @Override
  public void destroy() {
    sampler.shutdownNow();
  }
}
