package io.litestream4j.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code snapshot} section: how often a full snapshot (level 9) is written and how long
 * snapshots are kept. Both must be positive; the newest snapshot is always kept.
 */
public record SnapshotConfig(Duration interval, Duration retention) {

  public static final SnapshotConfig DEFAULT =
      new SnapshotConfig(Duration.ofHours(24), Duration.ofHours(24));

  public SnapshotConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(retention, "retention");
  }
}
