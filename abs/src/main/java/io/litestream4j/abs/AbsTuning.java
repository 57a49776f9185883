package io.litestream4j.abs;

import io.litestream4j.replica.lease.LeaseTiming;
import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts, retries and transfer sizes of an Azure Blob client. {@link #DEFAULTS} follow
 * Litestream: 10 retries with exponential backoff from 1 s up to 30 s on HTTP 408, 429, 500, 502,
 * 503 and 504 and on connection failures, 15 minutes per try.
 *
 * @param maxRetries retries after the first try
 * @param baseDelay wait before the first retry (doubling each time)
 * @param maxDelay longest wait between retries
 * @param tryTimeout longest a single HTTP exchange may take
 * @param listPageSize blobs per listing page (the service's maximum is 5000)
 * @param blockSize bytes per staged block of a large upload (smaller uploads are one request)
 * @param uploadConcurrency blocks uploaded in parallel for one large file
 * @param readChunkSize bytes per ranged GET of a download; the chunks of one download are pinned to
 *     the blob's ETag, so a blob replaced mid-download fails the read instead of mixing versions
 * @param lease how long the replica's lease lasts and how often it is renewed
 */
record AbsTuning(
    int maxRetries,
    Duration baseDelay,
    Duration maxDelay,
    Duration tryTimeout,
    int listPageSize,
    long blockSize,
    int uploadConcurrency,
    int readChunkSize,
    LeaseTiming lease) {

  static final AbsTuning DEFAULTS =
      new AbsTuning(
          10,
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofMinutes(15),
          5000,
          4L * 1024 * 1024,
          4,
          4 * 1024 * 1024,
          LeaseTiming.DEFAULTS);

  AbsTuning {
    Objects.requireNonNull(lease, "lease");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    if (listPageSize < 1 || listPageSize > 5000) {
      throw new IllegalArgumentException(
          "listPageSize must be between 1 and 5000, got " + listPageSize);
    }
    if (readChunkSize < 1024) {
      throw new IllegalArgumentException("readChunkSize must be >= 1 KiB, got " + readChunkSize);
    }
    if (blockSize < 1024 || uploadConcurrency < 1) {
      throw new IllegalArgumentException(
          "blockSize must be >= 1 KiB and uploadConcurrency >= 1, got %d and %d"
              .formatted(blockSize, uploadConcurrency));
    }
  }

  AbsTuning withRetries(int retries, Duration base, Duration max) {
    return new AbsTuning(
        retries,
        base,
        max,
        tryTimeout,
        listPageSize,
        blockSize,
        uploadConcurrency,
        readChunkSize,
        lease);
  }

  AbsTuning withListPageSize(int size) {
    return new AbsTuning(
        maxRetries,
        baseDelay,
        maxDelay,
        tryTimeout,
        size,
        blockSize,
        uploadConcurrency,
        readChunkSize,
        lease);
  }

  AbsTuning withLease(LeaseTiming timing) {
    return new AbsTuning(
        maxRetries,
        baseDelay,
        maxDelay,
        tryTimeout,
        listPageSize,
        blockSize,
        uploadConcurrency,
        readChunkSize,
        timing);
  }

  AbsTuning withBlockSize(long size) {
    return new AbsTuning(
        maxRetries,
        baseDelay,
        maxDelay,
        tryTimeout,
        listPageSize,
        size,
        uploadConcurrency,
        readChunkSize,
        lease);
  }
}
