package io.litestream4j.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code dbs}: a single database ({@code path}) or a directory of databases ({@code
 * dir} + {@code pattern}), how it is monitored and checkpointed, and its replica. Paths are
 * absolute; defaults are applied.
 *
 * @param path the database file; exactly one of {@code path} and {@code dir} is present
 * @param dir directory scanned for databases
 * @param pattern glob on file names, required with {@code dir} (e.g. {@code *.db})
 * @param recursive scan sub-directories of {@code dir}
 * @param watch keep watching {@code dir} for databases appearing and disappearing
 * @param metaPath local state directory, if configured (see {@link #resolvedMetaPath()})
 * @param metaDir with {@code dir}: root of the per-database state directories
 * @param monitorInterval how often the WAL is checked for changes; 0 = no monitoring (default 1s)
 * @param checkpointInterval time-based PASSIVE checkpoint; 0 disables it (default 1m)
 * @param busyTimeout SQLite busy timeout on the replicator's connection (default 1s)
 * @param minCheckpointPageCount WAL pages that trigger a PASSIVE checkpoint, > 0 (default 1000)
 * @param truncatePageN WAL pages that trigger an emergency TRUNCATE checkpoint (default 121359)
 * @param maxSyncWalBytes WAL bytes read per sync step; 0 = unlimited (default 64 MiB)
 * @param restoreIfDbNotExists restore from the replica before starting when the file is missing
 * @param replica the database's one replica
 */
public record DbConfig(
    Optional<Path> path,
    Optional<Path> dir,
    Optional<String> pattern,
    boolean recursive,
    boolean watch,
    Optional<Path> metaPath,
    Optional<Path> metaDir,
    Duration monitorInterval,
    Duration checkpointInterval,
    Duration busyTimeout,
    int minCheckpointPageCount,
    int truncatePageN,
    long maxSyncWalBytes,
    boolean restoreIfDbNotExists,
    ReplicaConfig replica) {

  public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_MIN_CHECKPOINT_PAGE_COUNT = 1000;
  public static final int DEFAULT_TRUNCATE_PAGE_N = 121_359;
  public static final long DEFAULT_MAX_SYNC_WAL_BYTES = 64L << 20;

  public DbConfig {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(metaPath, "metaPath");
    Objects.requireNonNull(metaDir, "metaDir");
    Objects.requireNonNull(monitorInterval, "monitorInterval");
    Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    Objects.requireNonNull(busyTimeout, "busyTimeout");
    Objects.requireNonNull(replica, "replica");
    if (path.isPresent() == dir.isPresent()) {
      throw new ConfigException("dbs[]", "must specify exactly one of 'path' or 'dir'");
    }
  }

  /** A single database at {@code path} with default settings, as given on the command line. */
  public static DbConfig forPath(Path path, ReplicaConfig replica) {
    return new DbConfig(
        Optional.of(path.toAbsolutePath().normalize()),
        Optional.empty(),
        Optional.empty(),
        false,
        false,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_MONITOR_INTERVAL,
        DEFAULT_CHECKPOINT_INTERVAL,
        DEFAULT_BUSY_TIMEOUT,
        DEFAULT_MIN_CHECKPOINT_PAGE_COUNT,
        DEFAULT_TRUNCATE_PAGE_N,
        DEFAULT_MAX_SYNC_WAL_BYTES,
        false,
        replica);
  }

  /** The database path, or the directory for directory entries: how messages name this entry. */
  public Path identifier() {
    return path.orElseGet(dir::orElseThrow);
  }

  /**
   * The local state directory of a single-database entry: {@code meta-path} if configured, else
   * {@code .<file name>-litestream} next to the database, as Litestream does.
   *
   * @throws IllegalStateException for a directory entry, whose databases each get their own
   */
  public Path resolvedMetaPath() {
    Path db =
        path.orElseThrow(
            () ->
                new IllegalStateException(
                    "directory entry "
                        + dir.orElseThrow()
                        + " has one state directory per discovered database"));
    return metaPath.orElseGet(() -> db.resolveSibling("." + db.getFileName() + "-litestream"));
  }

  /**
   * The entry of one database found by this directory entry: every setting copied, {@code dir},
   * {@code pattern}, {@code recursive} and {@code watch} cleared.
   */
  public DbConfig discovered(Path db, Optional<Path> dbMetaPath, ReplicaConfig dbReplica) {
    if (dir.isEmpty()) {
      throw new IllegalStateException(identifier() + " is not a directory entry");
    }
    return new DbConfig(
        Optional.of(db),
        Optional.empty(),
        Optional.empty(),
        false,
        false,
        dbMetaPath,
        Optional.empty(),
        monitorInterval,
        checkpointInterval,
        busyTimeout,
        minCheckpointPageCount,
        truncatePageN,
        maxSyncWalBytes,
        false,
        dbReplica);
  }

  public DbConfig withRestoreIfDbNotExists(boolean restore) {
    return new DbConfig(
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
        minCheckpointPageCount,
        truncatePageN,
        maxSyncWalBytes,
        restore,
        replica);
  }
}
