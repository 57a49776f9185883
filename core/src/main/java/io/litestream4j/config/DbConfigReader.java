package io.litestream4j.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one entry of {@code dbs}, applying Litestream's defaults and per-database rules (exactly
 * one of {@code path}/{@code dir}, {@code pattern} with {@code dir}, exactly one replica,
 * non-negative intervals).
 */
final class DbConfigReader {

  /**
   * A database entry plus its own {@code snapshot} settings, which are hoisted to the global ones.
   */
  record ParsedDb(
      DbConfig db, Optional<Setting> snapshotInterval, Optional<Setting> snapshotRetention) {}

  /** A duration with the text and place it was written, for conflict messages. */
  record Setting(Duration value, String raw, String where) {}

  private DbConfigReader() {}

  static ParsedDb read(YamlSection s, Map<String, Object> replicaDefaults, String home) {
    Optional<Path> path = path(s, "path", home);
    Optional<Path> dir = path(s, "dir", home);
    Optional<String> pattern = s.string("pattern");
    boolean recursive = s.bool("recursive").orElse(false);
    boolean watch = s.bool("watch").orElse(false);
    Optional<Path> metaPath = path(s, "meta-path", home);
    Optional<Path> metaDir = path(s, "meta-dir", home);

    if (path.isPresent() && dir.isPresent()) {
      throw s.misplaced("dir", "cannot specify both 'path' and 'dir'");
    }
    if (path.isEmpty() && dir.isEmpty()) {
      throw new ConfigException(
          s.path(), "must specify either 'path' or 'dir'", null, s.source().name());
    }
    if (dir.isPresent() && pattern.isEmpty()) {
      throw s.misplaced(
          "dir", "'pattern' is required when using 'dir' (for example pattern: \"*.db\")");
    }
    if (pattern.isPresent()) {
      try {
        GoGlob.compile(pattern.get());
      } catch (IllegalArgumentException e) {
        throw s.invalid("pattern", e.getMessage());
      }
    }
    if (watch && dir.isEmpty()) {
      throw s.misplaced("watch", "'watch' can only be enabled with a directory ('dir')");
    }
    if (metaDir.isPresent() && dir.isEmpty()) {
      throw s.misplaced("meta-dir", "'meta-dir' can only be used with a directory ('dir')");
    }
    if (metaPath.isPresent() && metaDir.isPresent()) {
      throw s.misplaced("meta-dir", "cannot specify both 'meta-path' and 'meta-dir'");
    }

    Optional<Setting> snapshotInterval = Optional.empty();
    Optional<Setting> snapshotRetention = Optional.empty();
    Optional<YamlSection> snapshot = s.section("snapshot");
    if (snapshot.isPresent()) {
      snapshotInterval = positive(snapshot.get(), "interval");
      snapshotRetention = positive(snapshot.get(), "retention");
      snapshot.get().finish();
    }

    Duration monitorInterval =
        nonNegative(s, "monitor-interval", DbConfig.DEFAULT_MONITOR_INTERVAL);
    Duration checkpointInterval =
        nonNegative(s, "checkpoint-interval", DbConfig.DEFAULT_CHECKPOINT_INTERVAL);
    Duration busyTimeout = nonNegative(s, "busy-timeout", DbConfig.DEFAULT_BUSY_TIMEOUT);
    long minCheckpointPageCount =
        s.integer("min-checkpoint-page-count").orElse(DbConfig.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT);
    if (minCheckpointPageCount <= 0 || minCheckpointPageCount > Integer.MAX_VALUE) {
      throw s.invalid("min-checkpoint-page-count", "must be > 0");
    }
    long truncatePageN = s.integer("truncate-page-n").orElse(DbConfig.DEFAULT_TRUNCATE_PAGE_N);
    if (truncatePageN < 0 || truncatePageN > Integer.MAX_VALUE) {
      throw s.invalid("truncate-page-n", "must be >= 0 (0 means the default, 121359)");
    }
    if (truncatePageN == 0) {
      truncatePageN = DbConfig.DEFAULT_TRUNCATE_PAGE_N;
    }
    long maxSyncWalBytes =
        s.byteSize("max-sync-wal-bytes").orElse(DbConfig.DEFAULT_MAX_SYNC_WAL_BYTES);
    boolean restoreIfDbNotExists = s.bool("restore-if-db-not-exists").orElse(false);
    if (restoreIfDbNotExists && dir.isPresent()) {
      s.warn("restore-if-db-not-exists", "ignored for directory entries");
    }

    ReplicaConfig replica = replica(s, replicaDefaults, home);
    s.finish();
    DbConfig db =
        new DbConfig(
            path,
            dir,
            pattern,
            recursive,
            watch,
            metaPath,
            metaDir,
            monitorInterval,
            checkpointInterval,
            busyTimeout,
            (int) minCheckpointPageCount,
            (int) truncatePageN,
            maxSyncWalBytes,
            restoreIfDbNotExists,
            replica);
    return new ParsedDb(db, snapshotInterval, snapshotRetention);
  }

  private static ReplicaConfig replica(YamlSection s, Map<String, Object> defaults, String home) {
    Optional<YamlSection> single = s.section("replica");
    List<YamlSection> list = s.sections("replicas");
    if (single.isPresent() && !list.isEmpty()) {
      throw s.misplaced("replicas", "cannot specify 'replica' and 'replicas' on a database");
    }
    if (list.size() > 1) {
      throw s.misplaced(
          "replicas",
          "multiple replicas on a single database are no longer supported"
              + " (Litestream 0.5 replicates each database to exactly one replica)");
    }
    if (single.isEmpty() && list.isEmpty()) {
      throw new ConfigException(
          s.path(), "must specify replica for database", null, s.source().name());
    }
    if (!list.isEmpty()) {
      s.warn("replicas", "deprecated: use a single 'replica' section");
    }
    return ReplicaConfigReader.read(single.orElseGet(list::getFirst), defaults, home);
  }

  private static Optional<Path> path(YamlSection s, String key, String home) {
    return s.string(key)
        .filter(v -> !v.isBlank())
        .map(
            v -> {
              try {
                return PathExpander.expand(v.strip(), home);
              } catch (IllegalArgumentException e) {
                throw s.invalid(key, e.getMessage());
              }
            });
  }

  private static Duration nonNegative(YamlSection s, String key, Duration fallback) {
    Duration d = s.duration(key).orElse(fallback);
    if (d.isNegative()) {
      throw s.invalid(key, "must be >= 0");
    }
    return d;
  }

  static Optional<Setting> positive(YamlSection s, String key) {
    return s.duration(key)
        .map(
            d -> {
              if (!d.isPositive()) {
                throw s.invalid(key, "must be > 0");
              }
              return new Setting(d, s.raw(key), s.where(key));
            });
  }
}
