package io.litestream4j.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Store} compacts, snapshots, deletes and checks a replica, with Litestream's
 * defaults. Immutable and validated on construction; derive variants with the {@code with*}
 * methods, or take the values of a loaded configuration file with {@link #from(Config)}.
 *
 * @param levels compaction interval of levels L1..Ln (at most 8; L0 is implicit, L9 holds
 *     snapshots); level n is compacted from level n-1 on boundaries aligned to the wall clock
 * @param snapshotInterval how often a level-9 snapshot is written (aligned; 24h means UTC midnight)
 * @param snapshotRetention snapshots older than this are deleted; the newest is always kept
 * @param l0Retention how long an L0 file is kept after it was first seen compacted into L1; zero
 *     keeps L0 on the replica forever (local L0 files are still cleaned)
 * @param l0RetentionCheckInterval how often L0 retention runs
 * @param retentionEnabled false: never delete anything on the replica (local files are still
 *     cleaned)
 * @param verifyCompaction after each compaction, check the destination level for gaps and overlaps
 * @param validationInterval period of the full replica check; zero disables it
 * @param retentionGrace how long a file of L1..L9 stays a deletion candidate before it is deleted,
 *     so that a restore planned before it became a candidate can still read it (Litestream issue
 *     1307). See the package documentation for the exact rule.
 * @param background run the scheduler thread; false for one-shot use ({@code replicate -once})
 *     where the caller invokes {@link Store#snapshotNow} or {@link Store#enforceRetention} itself
 */
public record StoreOptions(
    List<Duration> levels,
    Duration snapshotInterval,
    Duration snapshotRetention,
    Duration l0Retention,
    Duration l0RetentionCheckInterval,
    boolean retentionEnabled,
    boolean verifyCompaction,
    Duration validationInterval,
    Duration retentionGrace,
    boolean background) {

  /** Level 9 holds snapshots, so compaction levels are L1..L8. */
  public static final int MAX_LEVELS = 8;

  public static final Duration DEFAULT_RETENTION_GRACE = Config.DEFAULT_RETENTION_GRACE;

  /** Litestream's defaults (L1 30s, L2 5m, L3 1h; snapshots every 24h kept 24h; L0 kept 5m). */
  public static final StoreOptions DEFAULTS =
      new StoreOptions(
          List.of(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(1)),
          Duration.ofHours(24),
          Duration.ofHours(24),
          Duration.ofMinutes(5),
          Duration.ofSeconds(15),
          true,
          false,
          Duration.ZERO,
          DEFAULT_RETENTION_GRACE,
          true);

  public StoreOptions {
    levels = List.copyOf(levels);
    Objects.requireNonNull(snapshotInterval, "snapshotInterval");
    Objects.requireNonNull(snapshotRetention, "snapshotRetention");
    Objects.requireNonNull(l0Retention, "l0Retention");
    Objects.requireNonNull(l0RetentionCheckInterval, "l0RetentionCheckInterval");
    Objects.requireNonNull(validationInterval, "validationInterval");
    Objects.requireNonNull(retentionGrace, "retentionGrace");
    require(
        levels.size() <= MAX_LEVELS,
        "at most "
            + MAX_LEVELS
            + " compaction levels (L1..L8) are supported, got "
            + levels.size()
            + "; L9 holds snapshots");
    for (int i = 0; i < levels.size(); i++) {
      require(
          positiveMillis(levels.get(i)),
          "levels["
              + i
              + "].interval (L"
              + (i + 1)
              + ") must be at least 1ms, got "
              + levels.get(i));
    }
    require(
        positiveMillis(snapshotInterval),
        "snapshot.interval must be at least 1ms, got " + snapshotInterval);
    require(
        positiveMillis(snapshotRetention),
        "snapshot.retention must be at least 1ms, got " + snapshotRetention);
    require(!l0Retention.isNegative(), "l0-retention must be >= 0, got " + l0Retention);
    require(
        positiveMillis(l0RetentionCheckInterval),
        "l0-retention-check-interval must be at least 1ms, got " + l0RetentionCheckInterval);
    require(
        !validationInterval.isNegative(),
        "validation.interval must be >= 0, got " + validationInterval);
    require(!retentionGrace.isNegative(), "retention grace must be >= 0, got " + retentionGrace);
  }

  /** The store settings of a loaded configuration (levels, snapshot, retention, validation). */
  public static StoreOptions from(Config config) {
    return new StoreOptions(
        config.levels(),
        config.snapshot().interval(),
        config.snapshot().retention(),
        config.l0Retention(),
        config.l0RetentionCheckInterval(),
        config.retentionEnabled(),
        config.verifyCompaction(),
        config.validationInterval().orElse(Duration.ZERO),
        config.retentionGrace(),
        true);
  }

  /** The highest compaction level, 0 when no compaction levels are configured. */
  public int topLevel() {
    return levels.size();
  }

  /** Compaction interval of {@code level} (1..{@link #topLevel()}). */
  public Duration interval(int level) {
    if (level < 1 || level > levels.size()) {
      throw new IllegalArgumentException(
          "level " + level + " is not a configured compaction level (L1..L" + levels.size() + ")");
    }
    return levels.get(level - 1);
  }

  public StoreOptions withLevels(List<Duration> l) {
    return new StoreOptions(
        l,
        snapshotInterval,
        snapshotRetention,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        verifyCompaction,
        validationInterval,
        retentionGrace,
        background);
  }

  public StoreOptions withSnapshots(Duration interval, Duration retention) {
    return new StoreOptions(
        levels,
        interval,
        retention,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        verifyCompaction,
        validationInterval,
        retentionGrace,
        background);
  }

  public StoreOptions withL0Retention(Duration retention, Duration checkInterval) {
    return new StoreOptions(
        levels,
        snapshotInterval,
        snapshotRetention,
        retention,
        checkInterval,
        retentionEnabled,
        verifyCompaction,
        validationInterval,
        retentionGrace,
        background);
  }

  public StoreOptions withRetentionEnabled(boolean enabled) {
    return new StoreOptions(
        levels,
        snapshotInterval,
        snapshotRetention,
        l0Retention,
        l0RetentionCheckInterval,
        enabled,
        verifyCompaction,
        validationInterval,
        retentionGrace,
        background);
  }

  public StoreOptions withVerifyCompaction(boolean verify) {
    return new StoreOptions(
        levels,
        snapshotInterval,
        snapshotRetention,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        verify,
        validationInterval,
        retentionGrace,
        background);
  }

  public StoreOptions withValidationInterval(Duration interval) {
    return new StoreOptions(
        levels,
        snapshotInterval,
        snapshotRetention,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        verifyCompaction,
        interval,
        retentionGrace,
        background);
  }

  public StoreOptions withRetentionGrace(Duration grace) {
    return new StoreOptions(
        levels,
        snapshotInterval,
        snapshotRetention,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        verifyCompaction,
        validationInterval,
        grace,
        background);
  }

  public StoreOptions withBackground(boolean run) {
    return new StoreOptions(
        levels,
        snapshotInterval,
        snapshotRetention,
        l0Retention,
        l0RetentionCheckInterval,
        retentionEnabled,
        verifyCompaction,
        validationInterval,
        retentionGrace,
        run);
  }

  private static boolean positiveMillis(Duration d) {
    return d != null && d.toMillis() >= 1;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
