package io.litestream4j.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete replicator configuration, equivalent to Litestream's {@code litestream.yml}: the
 * databases and their replicas plus the process-wide settings. Every value is final (defaults,
 * inheritance of global replica settings and validation are done by {@link ConfigLoader}).
 *
 * @param dbs the databases to replicate
 * @param addr Prometheus metrics listen address such as {@code :9090}, if enabled
 * @param mcpAddr MCP server listen address, if enabled
 * @param exec command to run and supervise; the replicator exits when it does
 * @param logging log level, format and destination
 * @param socket control socket settings
 * @param levels compaction interval of levels L1..Ln (default 30s, 5m, 1h; at most 8 levels)
 * @param snapshot snapshot (L9) interval and retention (default 24h, 24h)
 * @param l0Retention minimum age of compacted L0 files before deletion; 0 = never delete them
 *     (default 5m)
 * @param l0RetentionCheckInterval how often L0 retention runs (default 15s)
 * @param retentionEnabled false = never delete replica files (default true)
 * @param retentionGrace how long a snapshot or compacted file due for deletion is kept, so a
 *     restore planned just before can still read it ({@code retention.grace}, a litestream4j key;
 *     default 1h, 0 deletes at once as Litestream does)
 * @param verifyCompaction check TXID contiguity after every compaction (default false)
 * @param validationInterval period of the replica consistency check, if enabled
 * @param shutdownSyncTimeout total time to retry the final upload on shutdown; 0 = one attempt
 *     (default 30s)
 * @param shutdownSyncInterval pause between those retries (default 500ms)
 * @param heartbeatUrl URL pinged while all databases replicate healthily, if configured
 * @param heartbeatInterval ping period, at least 1m (default 5m)
 * @param replicaDefaults the replica settings given at the top level, as written; they have already
 *     been applied to every {@link DbConfig#replica()}
 */
public record Config(
    List<DbConfig> dbs,
    Optional<String> addr,
    Optional<String> mcpAddr,
    Optional<String> exec,
    LoggingConfig logging,
    SocketConfig socket,
    List<Duration> levels,
    SnapshotConfig snapshot,
    Duration l0Retention,
    Duration l0RetentionCheckInterval,
    boolean retentionEnabled,
    Duration retentionGrace,
    boolean verifyCompaction,
    Optional<Duration> validationInterval,
    Duration shutdownSyncTimeout,
    Duration shutdownSyncInterval,
    Optional<String> heartbeatUrl,
    Duration heartbeatInterval,
    ReplicaOptions replicaDefaults) {

  public static final List<Duration> DEFAULT_LEVELS =
      List.of(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1));
  public static final Duration DEFAULT_L0_RETENTION = Duration.ofMinutes(5);
  public static final Duration DEFAULT_L0_RETENTION_CHECK_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_RETENTION_GRACE = Duration.ofHours(1);
  public static final Duration DEFAULT_SHUTDOWN_SYNC_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SHUTDOWN_SYNC_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMinutes(5);
  public static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofMinutes(1);

  /** Compaction levels are L1..L8; L9 holds snapshots. */
  public static final int MAX_COMPACTION_LEVELS = 8;

  public Config {
    dbs = List.copyOf(dbs);
    Objects.requireNonNull(addr, "addr");
    Objects.requireNonNull(mcpAddr, "mcpAddr");
    Objects.requireNonNull(exec, "exec");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(socket, "socket");
    levels = List.copyOf(levels);
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(l0Retention, "l0Retention");
    Objects.requireNonNull(l0RetentionCheckInterval, "l0RetentionCheckInterval");
    Objects.requireNonNull(retentionGrace, "retentionGrace");
    Objects.requireNonNull(validationInterval, "validationInterval");
    Objects.requireNonNull(shutdownSyncTimeout, "shutdownSyncTimeout");
    Objects.requireNonNull(shutdownSyncInterval, "shutdownSyncInterval");
    Objects.requireNonNull(heartbeatUrl, "heartbeatUrl");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(replicaDefaults, "replicaDefaults");
    if (levels.size() > MAX_COMPACTION_LEVELS) {
      throw new ConfigException(
          "levels",
          "at most "
              + MAX_COMPACTION_LEVELS
              + " compaction levels (L1..L8) are supported; L9 holds snapshots",
          Integer.toString(levels.size()),
          null);
    }
  }

  /** The configuration with every default and no databases. */
  public static Config defaults() {
    return new Config(
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        LoggingConfig.DEFAULT,
        SocketConfig.DEFAULT,
        DEFAULT_LEVELS,
        SnapshotConfig.DEFAULT,
        DEFAULT_L0_RETENTION,
        DEFAULT_L0_RETENTION_CHECK_INTERVAL,
        true,
        DEFAULT_RETENTION_GRACE,
        false,
        Optional.empty(),
        DEFAULT_SHUTDOWN_SYNC_TIMEOUT,
        DEFAULT_SHUTDOWN_SYNC_INTERVAL,
        Optional.empty(),
        DEFAULT_HEARTBEAT_INTERVAL,
        ReplicaOptions.empty());
  }

  public Config withDbs(List<DbConfig> newDbs) {
    return new Config(
        newDbs,
        addr,
        mcpAddr,
        exec,
        logging,
        socket,
        levels,
        snapshot,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        retentionGrace,
        verifyCompaction,
        validationInterval,
        shutdownSyncTimeout,
        shutdownSyncInterval,
        heartbeatUrl,
        heartbeatInterval,
        replicaDefaults);
  }

  public Config withExec(Optional<String> newExec) {
    return new Config(
        dbs,
        addr,
        mcpAddr,
        newExec,
        logging,
        socket,
        levels,
        snapshot,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        retentionGrace,
        verifyCompaction,
        validationInterval,
        shutdownSyncTimeout,
        shutdownSyncInterval,
        heartbeatUrl,
        heartbeatInterval,
        replicaDefaults);
  }

  public Config withLogging(LoggingConfig newLogging) {
    return new Config(
        dbs,
        addr,
        mcpAddr,
        exec,
        newLogging,
        socket,
        levels,
        snapshot,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        retentionGrace,
        verifyCompaction,
        validationInterval,
        shutdownSyncTimeout,
        shutdownSyncInterval,
        heartbeatUrl,
        heartbeatInterval,
        replicaDefaults);
  }

  /**
   * The entry for the database at exactly {@code dbPath} (already absolute), if any: a
   * single-database entry with that path, else the database a directory entry covers at that path
   * (by location and pattern; the file need not exist, so a restore can recreate it).
   */
  public Optional<DbConfig> db(Path dbPath) {
    Optional<DbConfig> single =
        dbs.stream().filter(d -> d.path().filter(dbPath::equals).isPresent()).findFirst();
    if (single.isPresent()) {
      return single;
    }
    return dbs.stream()
        .filter(d -> d.dir().isPresent())
        .map(DirectoryEntry::new)
        .filter(e -> e.covers(dbPath) && e.nameMatches(dbPath))
        .findFirst()
        .map(e -> e.forDatabase(dbPath));
  }
}
