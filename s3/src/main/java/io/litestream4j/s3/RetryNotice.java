package io.litestream4j.s3;

import io.litestream4j.internal.Throwables;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Says that requests to a replica are failing while the SDK is still retrying them. Without it a
 * command aimed at an endpoint that refuses connections says nothing for the half minute its ten
 * attempts take, and a daemon says nothing until a sync gives up.
 *
 * <p>One warning for the first failure that will be retried, then at most one per {@code interval}
 * whatever the number of requests and threads failing (the SDK asks its retry conditions on the
 * threads that made the requests).
 */
final class RetryNotice {
  private static final Logger LOG = LoggerFactory.getLogger(RetryNotice.class);

  /** How often at most a replica's failing-and-retrying requests are logged. */
  static final Duration INTERVAL = Duration.ofSeconds(30);

  private final String replica;
  private final String endpoint;
  private final int maxAttempts;
  private final long intervalNanos;
  private final LongSupplier nanoTime;

  /** When the next warning may be logged, in {@link #nanoTime} units. */
  private final AtomicLong nextAllowed;

  private final AtomicLong suppressed = new AtomicLong();

  /**
   * @param endpoint the endpoint URL as configured, or {@code "AWS"}
   */
  RetryNotice(
      String replica, String endpoint, int maxAttempts, Duration interval, LongSupplier nanoTime) {
    this.replica = replica;
    this.endpoint = endpoint;
    this.maxAttempts = maxAttempts;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextAllowed = new AtomicLong(nanoTime.getAsLong());
  }

  /** Called for each failed attempt that the retry strategy is going to repeat. */
  void retrying(Throwable failure) {
    long now = nanoTime.getAsLong();
    long next = nextAllowed.get();
    if (now - next < 0 || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long others = suppressed.getAndSet(0);
    LOG.atWarn()
        .addKeyValue("replica", replica)
        .addKeyValue("endpoint", endpoint)
        .log(
            "s3 request failed ({}); retrying, up to {} attempts per request{}",
            summary(failure),
            maxAttempts,
            others == 0 ? "" : " (" + others + " more failed attempts since the last warning)");
  }

  private static String summary(Throwable e) {
    if (e instanceof AwsServiceException a) {
      String code = S3Errors.code(a);
      return "HTTP " + a.statusCode() + (code.isEmpty() ? "" : " " + code);
    }
    Throwable root = Throwables.rootCause(e);
    String msg = root.getMessage();
    return msg == null || msg.isBlank() ? root.getClass().getSimpleName() : msg;
  }
}
