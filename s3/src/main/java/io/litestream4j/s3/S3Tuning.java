package io.litestream4j.s3;

import java.time.Duration;
import java.util.Objects;

/**
 * Transport and lease timing of an S3 client. Not part of Litestream's configuration; the defaults
 * suit real object stores, tests shorten them.
 *
 * @param connectTimeout how long opening a connection may take
 * @param socketTimeout how long a read may wait for the next byte before the connection counts as
 *     dropped (and the request is retried or the download resumed)
 * @param maxAttempts attempts per request, first one included (Litestream: 10)
 * @param retryBaseDelay first backoff; doubles per attempt (with jitter), up to {@code
 *     retryMaxDelay}
 * @param retryMaxDelay longest backoff between attempts
 * @param metadataConcurrency parallel HEAD requests when listing with exact timestamps (Litestream:
 *     50)
 * @param leaseTtl how long a lease lasts without renewal (Litestream: 30 s)
 * @param leaseRenewInterval how often a held lease is renewed; well below {@code leaseTtl}
 */
public record S3Tuning(
    Duration connectTimeout,
    Duration socketTimeout,
    int maxAttempts,
    Duration retryBaseDelay,
    Duration retryMaxDelay,
    int metadataConcurrency,
    Duration leaseTtl,
    Duration leaseRenewInterval) {

  public static final S3Tuning DEFAULTS =
      new S3Tuning(
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          10,
          Duration.ofMillis(100),
          Duration.ofSeconds(20),
          50,
          Duration.ofSeconds(30),
          Duration.ofSeconds(10));

  public S3Tuning {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(socketTimeout, "socketTimeout");
    Objects.requireNonNull(retryBaseDelay, "retryBaseDelay");
    Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    Objects.requireNonNull(leaseRenewInterval, "leaseRenewInterval");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    if (metadataConcurrency < 1) {
      throw new IllegalArgumentException(
          "metadataConcurrency must be >= 1, got " + metadataConcurrency);
    }
    if (!leaseRenewInterval.isPositive() || leaseRenewInterval.compareTo(leaseTtl) >= 0) {
      throw new IllegalArgumentException(
          "leaseRenewInterval must be > 0 and below leaseTtl, got %s (ttl %s)"
              .formatted(leaseRenewInterval, leaseTtl));
    }
  }

  public S3Tuning withSocketTimeout(Duration d) {
    return new S3Tuning(
        connectTimeout,
        d,
        maxAttempts,
        retryBaseDelay,
        retryMaxDelay,
        metadataConcurrency,
        leaseTtl,
        leaseRenewInterval);
  }

  public S3Tuning withRetries(int attempts, Duration baseDelay, Duration maxDelay) {
    return new S3Tuning(
        connectTimeout,
        socketTimeout,
        attempts,
        baseDelay,
        maxDelay,
        metadataConcurrency,
        leaseTtl,
        leaseRenewInterval);
  }

  public S3Tuning withLease(Duration ttl, Duration renewInterval) {
    return new S3Tuning(
        connectTimeout,
        socketTimeout,
        maxAttempts,
        retryBaseDelay,
        retryMaxDelay,
        metadataConcurrency,
        ttl,
        renewInterval);
  }
}
