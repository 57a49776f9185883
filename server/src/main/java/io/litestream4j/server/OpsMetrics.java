package io.litestream4j.server;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The Prometheus metrics of a running replicator: Litestream's metrics with Litestream's names,
 * types and labels (see {@link #LITESTREAM_COUNTERS} for the one naming difference the Java client
 * imposes and {@link MetricsHandler} for how it is undone), plus litestream4j's own: replication
 * lag (seconds and TXIDs), replica TXID, time of the last upload, restorable window, replica size
 * per level, full L0 files by reason.
 *
 * <p>Database values are read at scrape time from {@link DatabaseRegistry} (callbacks, nothing is
 * cached here except the registry's replica listing).
 */
public final class OpsMetrics {
  /**
   * Litestream counters whose names do not end in {@code _total}. The Prometheus Java client always
   * appends {@code _total} to a counter's samples; {@link MetricsHandler} strips it again for
   * exactly these names in the Prometheus text format, so dashboards built for Litestream work.
   */
  public static final List<String> LITESTREAM_COUNTERS =
      List.of(
          "litestream_total_wal_bytes",
          "litestream_sync_count",
          "litestream_sync_error_count",
          "litestream_sync_seconds",
          "litestream_checkpoint_count",
          "litestream_checkpoint_error_count",
          "litestream_checkpoint_seconds",
          "litestream_compaction_verify_error_count",
          "litestream_replica_operation_bytes");

  /**
   * Full L0 files (whole database instead of WAL pages) by reason, per database: the CLI passes the
   * sync counters' {@code fullL0Files}; with {@link #NO_FULL_FILE_REASONS} the metric has no
   * samples.
   */
  @FunctionalInterface
  public interface FullFileReasons {
    Map<String, Long> counts(DatabaseStatus db);
  }

  public static final FullFileReasons NO_FULL_FILE_REASONS = db -> Map.of();

  private final PrometheusRegistry registry;
  private final DatabaseRegistry dbs;

  /**
   * Registers the database metrics in {@code registry} (storage operations: {@link
   * ReplicaOperationMetrics}).
   */
  public OpsMetrics(
      PrometheusRegistry registry,
      DatabaseRegistry dbs,
      Clock clock,
      FullFileReasons fullFileReasons) {
    this.registry = registry;
    this.dbs = dbs;
    // Litestream's metrics.
    gauge(
        "litestream_db_size",
        "The current size of the real DB",
        (db, out) -> out.accept(fileSize(db.path())));
    gauge(
        "litestream_wal_size",
        "The current size of the real WAL",
        (db, out) -> out.accept(fileSize(Path.of(db.path() + "-wal"))));
    gauge(
        "litestream_txid",
        "The current transaction ID",
        (db, out) -> out.accept((double) db.localTxid()));
    counter(
        "litestream_total_wal_bytes",
        "Total number of bytes written to shadow WAL",
        (db, out) -> out.accept((double) db.stats().walBytes()));
    counter(
        "litestream_sync_count",
        "Number of sync operations",
        (db, out) -> out.accept((double) db.stats().successes()));
    counter(
        "litestream_sync_error_count",
        "Number of sync errors",
        (db, out) -> out.accept((double) db.stats().failures()));
    counter(
        "litestream_sync_seconds",
        "Time spent syncing shadow WAL, in seconds",
        (db, out) -> out.accept(db.stats().syncNanos() / 1e9));
    gauge(
        "litestream_disk_full",
        "1 while syncs fail because the disk is full",
        (db, out) -> out.accept(db.stats().diskFull() ? 1.0 : 0.0));
    counter(
        "litestream_compaction_verify_error_count",
        "Number of post-compaction verification errors",
        (db, out) -> out.accept((double) db.storeStats().compactionVerifyErrors()));
    for (String[] m :
        new String[][] {
          {"litestream_checkpoint_count", "Number of checkpoints"},
          {"litestream_checkpoint_error_count", "Number of checkpoint errors"},
          {"litestream_checkpoint_seconds", "Time spent checkpointing, in seconds"}
        }) {
      String name = m[0];
      CounterWithCallback.builder()
          .name(name)
          .help(m[1])
          .labelNames("db", "mode")
          .callback(
              cb ->
                  each(
                      db ->
                          db.stats()
                              .checkpoints()
                              .forEach(
                                  (mode, c) ->
                                      cb.call(
                                          switch (name) {
                                            case "litestream_checkpoint_count" -> c.count();
                                            case "litestream_checkpoint_error_count" -> c.errors();
                                            default -> c.nanos() / 1e9;
                                          },
                                          db.path().toString(),
                                          mode))))
          .register(registry);
    }
    GaugeWithCallback.builder()
        .name("litestream_l0_retention_files_total")
        .help("L0 files by retention status in the last L0 retention pass")
        .labelNames("db", "status")
        .callback(
            cb ->
                each(
                    db ->
                        db.l0Retention()
                            .ifPresent(
                                scan -> {
                                  String base = db.path().getFileName().toString();
                                  cb.call(scan.eligible(), base, "eligible");
                                  cb.call(scan.notCompacted(), base, "not_compacted");
                                  cb.call(scan.tooRecent(), base, "too_recent");
                                })))
        .register(registry);

    // litestream4j's own.
    gauge(
        "litestream_replication_lag_seconds",
        "Seconds since the oldest commit that is not on the replica yet (0 when caught up)",
        (db, out) -> out.accept(db.lagSeconds(clock.instant())));
    gauge(
        "litestream_replication_lag_txids",
        "Local TXID minus replica TXID",
        (db, out) -> out.accept((double) db.lagTxids()));
    gauge(
        "litestream_replica_txid",
        "The newest TXID the replica acknowledged",
        (db, out) -> out.accept((double) db.replicaTxid()));
    gauge(
        "litestream_last_upload_timestamp_seconds",
        "Unix time of the last successful upload to the replica",
        (db, out) -> db.lastUpload().ifPresent(t -> out.accept(t.toEpochMilli() / 1000.0)));
    gauge(
        "litestream_restorable_oldest_timestamp_seconds",
        "Unix time of the oldest point a restore can reach",
        (db, out) ->
            db.replica()
                .flatMap(ReplicaSummary::oldestRestorable)
                .ifPresent(t -> out.accept(t.toEpochMilli() / 1000.0)));
    gauge(
        "litestream_restorable_newest_timestamp_seconds",
        "Unix time of the newest point a restore can reach",
        (db, out) ->
            db.replica()
                .flatMap(ReplicaSummary::newestRestorable)
                .ifPresent(t -> out.accept(t.toEpochMilli() / 1000.0)));
    levelGauge(
        "litestream_replica_level_bytes",
        "Bytes of LTX files per replica level",
        ReplicaSummary.Level::bytes);
    levelGauge(
        "litestream_replica_level_files",
        "LTX files per replica level",
        ReplicaSummary.Level::files);
    CounterWithCallback.builder()
        .name("litestream_full_l0_files")
        .help("Full L0 files (whole database) by reason")
        .labelNames("db", "reason")
        .callback(
            cb -> {
              for (DatabaseStatus db : dbs.statuses(false)) {
                if (db.running()) {
                  fullFileReasons
                      .counts(db)
                      .forEach((reason, n) -> cb.call(n, db.path().toString(), reason));
                }
              }
            })
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  private interface Value {
    void read(DatabaseStatus db, java.util.function.DoubleConsumer out);
  }

  private void gauge(String name, String help, Value v) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("db")
        .callback(cb -> each(db -> v.read(db, x -> cb.call(x, db.path().toString()))))
        .register(registry);
  }

  private void counter(String name, String help, Value v) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("db")
        .callback(cb -> each(db -> v.read(db, x -> cb.call(x, db.path().toString()))))
        .register(registry);
  }

  /**
   * A gauge per replica level of every database with a replica summary, running or not (labels
   * {@code db}, {@code level}).
   */
  private void levelGauge(String name, String help, ToLongFunction<ReplicaSummary.Level> v) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("db", "level")
        .callback(
            cb -> {
              for (DatabaseStatus db : dbs.statuses(true)) {
                db.replica()
                    .ifPresent(
                        r ->
                            r.levels()
                                .forEach(
                                    l ->
                                        cb.call(
                                            v.applyAsLong(l),
                                            db.path().toString(),
                                            Integer.toString(l.level()))));
              }
            })
        .register(registry);
  }

  /**
   * Running databases only: a stopped one has no counters (as in Litestream, where it is closed).
   */
  private void each(Consumer<DatabaseStatus> action) {
    for (DatabaseStatus db : dbs.statuses(true)) {
      if (db.running()) {
        action.accept(db);
      }
    }
  }

  private static double fileSize(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
