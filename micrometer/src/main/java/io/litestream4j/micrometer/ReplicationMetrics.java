package io.litestream4j.micrometer;

import io.litestream4j.Replication;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Binds one {@link Replication}'s metrics to a Micrometer registry, under the names Litestream's
 * Prometheus endpoint uses (a Prometheus registry renders {@code litestream.txid} as {@code
 * litestream_txid}), tagged {@code db} with the database's absolute path.
 *
 * <p>Every meter reads the replication's live state when the registry samples it; binding adds no
 * thread and no work to replication itself. Safe to bind while replication runs.
 */
public final class ReplicationMetrics implements MeterBinder {
  private final Replication replication;

  public ReplicationMetrics(Replication replication) {
    this.replication = Objects.requireNonNull(replication, "replication");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags tags = Tags.of("db", replication.options().database().toAbsolutePath().toString());
    Replication r = replication;
    Gauge.builder("litestream.txid", r, x -> x.position().txid())
        .description("Current local TXID")
        .tags(tags)
        .register(registry);
    Gauge.builder("litestream.replica.txid", r, x -> Math.max(0, x.replicatedTxid()))
        .description("Newest TXID the replica has acknowledged")
        .tags(tags)
        .register(registry);
    Gauge.builder(
            "litestream.replication.lag.txids",
            r,
            x -> Math.max(0, x.position().txid() - Math.max(0, x.replicatedTxid())))
        .description("Local TXID minus replica TXID")
        .tags(tags)
        .register(registry);
    Gauge.builder("litestream.replica.error", r, x -> x.replicaError().isPresent() ? 1 : 0)
        .description("1 while uploads to the replica are failing")
        .tags(tags)
        .register(registry);
    Gauge.builder("litestream.disk.full", r, x -> x.stats().diskFull() ? 1 : 0)
        .description("1 while syncs fail because the disk is full")
        .tags(tags)
        .register(registry);
    Gauge.builder(
            "litestream.last.sync.timestamp.seconds",
            r,
            x -> x.stats().lastSuccessMillis() / 1000.0)
        .description("Unix time of the last successful sync")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("litestream.sync.count", r, x -> x.stats().successes())
        .description("Database syncs")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("litestream.sync.error.count", r, x -> x.stats().failures())
        .description("Failed database syncs")
        .tags(tags)
        .register(registry);
  }
}
