package io.litestream4j.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the top level of a configuration file into a {@link Config}: global settings with their
 * defaults and validation rules, the top-level replica defaults, and the database entries.
 */
final class ConfigReader {

  private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");
  private static final Set<String> LOG_TYPES = Set.of("text", "json", "pretty");

  private ConfigReader() {}

  static Config read(YamlSection root, Map<String, String> env, String home) {
    Map<String, Object> replicaDefaults = ReplicaConfigReader.readSettings(root);

    var parsedDbs = new ArrayList<DbConfigReader.ParsedDb>();
    for (YamlSection db : root.sections("dbs")) {
      parsedDbs.add(DbConfigReader.read(db, replicaDefaults, home));
    }
    DuplicateCheck.check(parsedDbs.stream().map(DbConfigReader.ParsedDb::db).toList());

    Optional<String> addr = nonBlank(root, "addr");
    Optional<String> mcpAddr = nonBlank(root, "mcp-addr");
    Optional<String> exec = nonBlank(root, "exec");
    LoggingConfig logging = logging(root, env);
    SocketConfig socket = socket(root);
    List<Duration> levels = levels(root);

    SnapshotConfig snapshot = SnapshotConfig.DEFAULT;
    Optional<DbConfigReader.Setting> snapshotInterval = Optional.empty();
    Optional<DbConfigReader.Setting> snapshotRetention = Optional.empty();
    Optional<YamlSection> snapshotSection = root.section("snapshot");
    if (snapshotSection.isPresent()) {
      snapshotInterval = DbConfigReader.positive(snapshotSection.get(), "interval");
      snapshotRetention = DbConfigReader.positive(snapshotSection.get(), "retention");
      snapshotSection.get().finish();
    }
    Optional<DbConfigReader.Setting> dbInterval =
        hoisted(parsedDbs, DbConfigReader.ParsedDb::snapshotInterval, "intervals");
    Optional<DbConfigReader.Setting> dbRetention =
        hoisted(parsedDbs, DbConfigReader.ParsedDb::snapshotRetention, "retentions");
    snapshot =
        new SnapshotConfig(
            snapshotInterval
                .or(() -> dbInterval)
                .map(DbConfigReader.Setting::value)
                .orElse(snapshot.interval()),
            snapshotRetention
                .or(() -> dbRetention)
                .map(DbConfigReader.Setting::value)
                .orElse(snapshot.retention()));

    Duration l0Retention = root.duration("l0-retention").orElse(Config.DEFAULT_L0_RETENTION);
    if (l0Retention.isNegative()) {
      throw root.invalid("l0-retention", "must be >= 0 (0 disables deletion of L0 files)");
    }
    Duration l0RetentionCheckInterval =
        positive(root, "l0-retention-check-interval", Config.DEFAULT_L0_RETENTION_CHECK_INTERVAL);

    boolean retentionEnabled = true;
    Duration retentionGrace = Config.DEFAULT_RETENTION_GRACE;
    Optional<YamlSection> retention = root.section("retention");
    if (retention.isPresent()) {
      retentionEnabled = retention.get().bool("enabled").orElse(true);
      retentionGrace = retention.get().duration("grace").orElse(retentionGrace);
      if (retentionGrace.isNegative()) {
        throw retention.get().invalid("grace", "must be >= 0 (0 deletes at once)");
      }
      retention.get().finish();
    }
    boolean verifyCompaction = root.bool("verify-compaction").orElse(false);

    Optional<Duration> validationInterval = Optional.empty();
    Optional<YamlSection> validation = root.section("validation");
    if (validation.isPresent()) {
      YamlSection v = validation.get();
      validationInterval = v.duration("interval");
      if (validationInterval.isPresent() && validationInterval.get().isNegative()) {
        throw v.invalid("interval", "must be >= 0 (0 or unset disables validation)");
      }
      validationInterval = validationInterval.filter(Duration::isPositive);
      v.finish();
    }

    Duration shutdownSyncTimeout =
        root.duration("shutdown-sync-timeout").orElse(Config.DEFAULT_SHUTDOWN_SYNC_TIMEOUT);
    if (shutdownSyncTimeout.isNegative()) {
      throw root.invalid("shutdown-sync-timeout", "must be >= 0 (0 means a single attempt)");
    }
    Duration shutdownSyncInterval =
        positive(root, "shutdown-sync-interval", Config.DEFAULT_SHUTDOWN_SYNC_INTERVAL);

    Optional<String> heartbeatUrl = nonBlank(root, "heartbeat-url");
    if (heartbeatUrl.isPresent()
        && !heartbeatUrl.get().startsWith("http://")
        && !heartbeatUrl.get().startsWith("https://")) {
      throw root.invalid("heartbeat-url", "heartbeat URL must be a valid HTTP or HTTPS URL");
    }
    Duration heartbeatInterval =
        root.duration("heartbeat-interval").orElse(Config.DEFAULT_HEARTBEAT_INTERVAL);
    if (heartbeatInterval.compareTo(Config.MIN_HEARTBEAT_INTERVAL) < 0) {
      throw root.invalid("heartbeat-interval", "heartbeat interval must be at least 1 minute");
    }

    root.finish();
    return new Config(
        parsedDbs.stream().map(DbConfigReader.ParsedDb::db).toList(),
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
        new ReplicaOptions(replicaDefaults));
  }

  /**
   * A per-database snapshot setting becomes the global one when the file sets none globally; two
   * databases asking for different values is an error, since snapshots are scheduled globally.
   */
  private static Optional<DbConfigReader.Setting> hoisted(
      List<DbConfigReader.ParsedDb> dbs,
      Function<DbConfigReader.ParsedDb, Optional<DbConfigReader.Setting>> getter,
      String what) {
    DbConfigReader.Setting chosen = null;
    Path chosenDb = null;
    for (var db : dbs) {
      Optional<DbConfigReader.Setting> setting = getter.apply(db);
      if (setting.isEmpty()) {
        continue;
      }
      if (chosen != null && !chosen.value().equals(setting.get().value())) {
        throw new ConfigException(
            "dbs",
            "conflicting database snapshot %s: %s has %s, %s has %s"
                .formatted(what, chosenDb, chosen.raw(), db.db().identifier(), setting.get().raw()),
            null,
            setting.get().where());
      }
      chosen = setting.get();
      chosenDb = db.db().identifier();
    }
    return Optional.ofNullable(chosen);
  }

  private static LoggingConfig logging(YamlSection root, Map<String, String> env) {
    LoggingConfig logging = LoggingConfig.DEFAULT;
    Optional<YamlSection> section = root.section("logging");
    if (section.isPresent()) {
      YamlSection s = section.get();
      String level = s.string("level").map(l -> normalizeLevel(s, l)).orElse(logging.level());
      String type =
          s.string("type").map(t -> t.strip().toLowerCase(Locale.ROOT)).orElse(logging.type());
      if (!LOG_TYPES.contains(type)) {
        s.warn(
            "type", "unknown log type \"" + type + "\", using text (choose text, json or pretty)");
        type = "text";
      }
      logging =
          new LoggingConfig(
              level, type, s.bool("stderr").orElse(false), s.bool("source").orElse(false));
      s.finish();
    }
    String fromEnv = env.get("LOG_LEVEL");
    if (fromEnv != null && !fromEnv.isBlank()) {
      String level = fromEnv.strip().toLowerCase(Locale.ROOT);
      level = level.equals("warning") ? "warn" : level;
      if (LEVELS.contains(level)) {
        logging = logging.withLevel(level);
      } else {
        root.source()
            .warnings()
            .add(
                "LOG_LEVEL: unknown log level \""
                    + fromEnv
                    + "\" in the environment, ignored (choose trace, debug, info, warn or error)");
      }
    }
    return logging;
  }

  private static String normalizeLevel(YamlSection s, String raw) {
    String level = raw.strip().toLowerCase(Locale.ROOT);
    level = level.equals("warning") ? "warn" : level;
    if (!LEVELS.contains(level)) {
      s.warn(
          "level",
          "unknown log level \""
              + raw
              + "\", using info (choose trace, debug, info, warn or error)");
      return "info";
    }
    return level;
  }

  private static SocketConfig socket(YamlSection root) {
    Optional<YamlSection> section = root.section("socket");
    if (section.isEmpty()) {
      return SocketConfig.DEFAULT;
    }
    YamlSection s = section.get();
    boolean enabled = s.bool("enabled").orElse(SocketConfig.DEFAULT.enabled());
    Path path =
        s.string("path")
            .filter(p -> !p.isBlank())
            .map(Path::of)
            .orElse(SocketConfig.DEFAULT.path());
    long permissions = s.integer("permissions").orElse(SocketConfig.DEFAULT.permissions());
    if (permissions < 0 || permissions > 0777) {
      throw s.invalid(
          "permissions", "must be a file mode between 0000 and 0777 (octal, e.g. 0600)");
    }
    s.finish();
    return new SocketConfig(enabled, path, (int) permissions);
  }

  private static List<Duration> levels(YamlSection root) {
    boolean configured = root.has("levels");
    List<YamlSection> sections = root.sections("levels");
    if (!configured) {
      return Config.DEFAULT_LEVELS;
    }
    var levels = new ArrayList<Duration>();
    for (YamlSection level : sections) {
      Optional<Duration> interval = level.duration("interval");
      if (interval.isEmpty() || !interval.get().isPositive()) {
        throw level.invalid("interval", "compaction level interval must be > 0");
      }
      levels.add(interval.get());
      level.finish();
    }
    if (levels.size() > Config.MAX_COMPACTION_LEVELS) {
      throw root.misplaced(
          "levels",
          "at most "
              + Config.MAX_COMPACTION_LEVELS
              + " compaction levels (L1..L8) are supported; L9 holds snapshots (got "
              + levels.size()
              + ")");
    }
    return levels;
  }

  private static Duration positive(YamlSection s, String key, Duration fallback) {
    Duration d = s.duration(key).orElse(fallback);
    if (!d.isPositive()) {
      throw s.invalid(key, "must be > 0");
    }
    return d;
  }

  private static Optional<String> nonBlank(YamlSection s, String key) {
    return s.string(key).filter(v -> !v.isBlank());
  }
}
