package io.litestream4j;

import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything needed to replicate one database, with Litestream's defaults. Immutable; derive
 * variants with the {@code with*} methods:
 *
 * <pre>{@code
 * ReplicationOptions opts = ReplicationOptions.of(Path.of("app.db"), "file:///backups/app")
 *     .withSyncInterval(Duration.ZERO);
 * }</pre>
 *
 * @param database the SQLite database file
 * @param replicaUrl where the replica lives, e.g. {@code file:///backups/app} or {@code
 *     s3://bucket/app}
 * @param metaDir local state directory; {@code null} means {@code <dir>/.<name>-litestream}
 * @param syncInterval how often local files are shipped; zero ships each one as soon as written
 * @param db monitor, checkpoint and sync tuning
 * @param shutdownSyncTimeout how long {@code close()} keeps retrying the final upload
 * @param shutdownSyncInterval pause between those retries
 * @param store compaction levels, snapshots and retention
 */
public record ReplicationOptions(
    Path database,
    String replicaUrl,
    @Nullable Path metaDir,
    Duration syncInterval,
    DbOptions db,
    Duration shutdownSyncTimeout,
    Duration shutdownSyncInterval,
    StoreOptions store) {

  public ReplicationOptions {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(replicaUrl, "replicaUrl");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(shutdownSyncTimeout, "shutdownSyncTimeout");
    Objects.requireNonNull(shutdownSyncInterval, "shutdownSyncInterval");
    Objects.requireNonNull(store, "store");
    if (syncInterval.isNegative()) {
      throw new IllegalArgumentException("sync-interval must be >= 0, got " + syncInterval);
    }
    if (shutdownSyncTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "shutdown-sync-timeout must be >= 0, got " + shutdownSyncTimeout);
    }
    if (shutdownSyncInterval.isNegative() || shutdownSyncInterval.isZero()) {
      throw new IllegalArgumentException(
          "shutdown-sync-interval must be > 0, got " + shutdownSyncInterval);
    }
  }

  public static ReplicationOptions of(Path database, String replicaUrl) {
    return new ReplicationOptions(
        database,
        replicaUrl,
        null,
        Duration.ofSeconds(1),
        DbOptions.DEFAULTS,
        Duration.ofSeconds(30),
        Duration.ofMillis(500),
        StoreOptions.DEFAULTS);
  }

  public ReplicationOptions withMetaDir(@Nullable Path dir) {
    return new ReplicationOptions(
        database,
        replicaUrl,
        dir,
        syncInterval,
        db,
        shutdownSyncTimeout,
        shutdownSyncInterval,
        store);
  }

  public ReplicationOptions withSyncInterval(Duration d) {
    return new ReplicationOptions(
        database, replicaUrl, metaDir, d, db, shutdownSyncTimeout, shutdownSyncInterval, store);
  }

  public ReplicationOptions withDbOptions(DbOptions o) {
    return new ReplicationOptions(
        database,
        replicaUrl,
        metaDir,
        syncInterval,
        o,
        shutdownSyncTimeout,
        shutdownSyncInterval,
        store);
  }

  public ReplicationOptions withStore(StoreOptions s) {
    return new ReplicationOptions(
        database,
        replicaUrl,
        metaDir,
        syncInterval,
        db,
        shutdownSyncTimeout,
        shutdownSyncInterval,
        s);
  }

  public ReplicationOptions withShutdownSync(Duration timeout, Duration interval) {
    return new ReplicationOptions(
        database, replicaUrl, metaDir, syncInterval, db, timeout, interval, store);
  }
}
