package io.litestream4j;

import io.litestream4j.db.DbOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

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
 * @param replicaUrl where the replica lives, e.g. {@code file:///backups/app} or {@code s3://bucket/app}
 * @param metaDir local state directory; {@code null} means {@code <dir>/.<name>-litestream}
 * @param syncInterval how often local files are shipped; zero ships each one as soon as written
 * @param db monitor, checkpoint and sync tuning
 * @param shutdownSyncTimeout how long {@code close()} keeps retrying the final upload
 * @param shutdownSyncInterval pause between those retries
 */
public record ReplicationOptions(
    Path database,
    String replicaUrl,
    Path metaDir,
    Duration syncInterval,
    DbOptions db,
    Duration shutdownSyncTimeout,
    Duration shutdownSyncInterval) {

  public ReplicationOptions {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(replicaUrl, "replicaUrl");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(shutdownSyncTimeout, "shutdownSyncTimeout");
    Objects.requireNonNull(shutdownSyncInterval, "shutdownSyncInterval");
    if (syncInterval.isNegative()) {
      throw new IllegalArgumentException("sync-interval must be >= 0, got " + syncInterval);
    }
    if (shutdownSyncTimeout.isNegative()) {
      throw new IllegalArgumentException("shutdown-sync-timeout must be >= 0, got " + shutdownSyncTimeout);
    }
    if (shutdownSyncInterval.isNegative() || shutdownSyncInterval.isZero()) {
      throw new IllegalArgumentException("shutdown-sync-interval must be > 0, got " + shutdownSyncInterval);
    }
  }

  public static ReplicationOptions of(Path database, String replicaUrl) {
    return new ReplicationOptions(database, replicaUrl, null, Duration.ofSeconds(1), DbOptions.DEFAULTS,
        Duration.ofSeconds(30), Duration.ofMillis(500));
  }

  public ReplicationOptions withMetaDir(Path dir) {
    return new ReplicationOptions(database, replicaUrl, dir, syncInterval, db, shutdownSyncTimeout, shutdownSyncInterval);
  }

  public ReplicationOptions withSyncInterval(Duration d) {
    return new ReplicationOptions(database, replicaUrl, metaDir, d, db, shutdownSyncTimeout, shutdownSyncInterval);
  }

  public ReplicationOptions withDbOptions(DbOptions o) {
    return new ReplicationOptions(database, replicaUrl, metaDir, syncInterval, o, shutdownSyncTimeout, shutdownSyncInterval);
  }

  public ReplicationOptions withShutdownSync(Duration timeout, Duration interval) {
    return new ReplicationOptions(database, replicaUrl, metaDir, syncInterval, db, timeout, interval);
  }
}
