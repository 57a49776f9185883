package io.litestream4j.replica.lease;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a lease lasts without renewal and how often its holder renews it. {@link #DEFAULTS} are
 * Litestream's: a 30 s lease, renewed every 10 s, so two renewals may fail before it expires.
 *
 * @param ttl how long a lease lasts without renewal
 * @param renewInterval how often a held lease is renewed; below {@code ttl}
 */
public record LeaseTiming(Duration ttl, Duration renewInterval) {

  public static final LeaseTiming DEFAULTS =
      new LeaseTiming(Duration.ofSeconds(30), Duration.ofSeconds(10));

  public LeaseTiming {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(renewInterval, "renewInterval");
    if (!renewInterval.isPositive() || renewInterval.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException(
          "renewInterval must be > 0 and below ttl, got %s (ttl %s)".formatted(renewInterval, ttl));
    }
  }
}
