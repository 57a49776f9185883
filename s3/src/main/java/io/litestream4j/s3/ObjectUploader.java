package io.litestream4j.s3;

import io.litestream4j.s3.PartBuffer.UploadSourceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Streams one object to S3 with bounded memory.
 *
 * <p>Data is read into a {@link PartBuffer} of at most {@code partSize} bytes. If the stream ends
 * first, the object is sent with one PUT of exactly its size. Otherwise it becomes a multipart
 * upload: parts of {@code partSize} bytes are read one after another and sent on the part pool, at
 * most {@code concurrency} at once, so memory never exceeds {@code (concurrency + 1) * partSize}.
 * Each part is retried by the SDK on its own. If anything fails, the multipart upload is aborted so
 * no half object becomes visible and no orphaned parts are billed.
 */
final class ObjectUploader {

  private static final Logger LOG = LoggerFactory.getLogger(ObjectUploader.class);

  /** The stored object's size and ETag. */
  record Result(long size, String etag, int parts) {}

  private final S3Client s3;
  private final S3Requests requests;
  private final ExecutorService partPool;
  private final int partSize;
  private final int concurrency;

  ObjectUploader(
      S3Client s3, S3Requests requests, ExecutorService partPool, long partSize, int concurrency) {
    this.s3 = s3;
    this.requests = requests;
    this.partPool = partPool;
    this.partSize = Math.toIntExact(partSize);
    this.concurrency = concurrency;
  }

  /**
   * Uploads all of {@code data} to {@code key}.
   *
   * @throws UploadSourceException if reading {@code data} failed
   * @throws IOException if S3 refused or could not be reached (after retries)
   */
  Result upload(String key, InputStream data, Map<String, String> metadata, String where)
      throws IOException, UploadSourceException {
    PartBuffer first = PartBuffer.read(data, partSize);
    if (first.endOfStream()) {
      try {
        PutObjectResponse r = s3.putObject(requests.put(key, metadata, first.size()), first.body());
        return new Result(first.size(), requireEtag(r.eTag(), where), 1);
      } catch (SdkException e) {
        throw S3Errors.io("upload", where, e);
      }
    }
    return multipart(key, first, data, metadata, where);
  }

  private Result multipart(
      String key, PartBuffer first, InputStream data, Map<String, String> metadata, String where)
      throws IOException, UploadSourceException {
    String uploadId;
    try {
      uploadId = s3.createMultipartUpload(requests.createMultipart(key, metadata)).uploadId();
    } catch (SdkException e) {
      throw S3Errors.io("start multipart upload of", where, e);
    }
    var inFlight = new Semaphore(concurrency);
    var futures = new ArrayList<Future<CompletedPart>>();
    boolean completed = false;
    try {
      PartBuffer part = first;
      long total = 0;
      int number = 0;
      while (true) {
        number++;
        total += part.size();
        acquire(inFlight, where);
        failFast(futures, where);
        PartBuffer body = part;
        int partNumber = number;
        futures.add(
            partPool.submit(
                () -> {
                  try {
                    UploadPartResponse r =
                        s3.uploadPart(
                            requests.uploadPart(key, uploadId, partNumber, body.size()),
                            body.body());
                    return CompletedPart.builder().partNumber(partNumber).eTag(r.eTag()).build();
                  } finally {
                    inFlight.release();
                  }
                }));
        if (part.endOfStream()) {
          break;
        }
        part = PartBuffer.read(data, partSize);
        if (part.size() == 0) {
          break;
        }
      }
      List<CompletedPart> parts = new ArrayList<>();
      for (Future<CompletedPart> f : futures) {
        parts.add(await(f, where));
      }
      parts.sort(Comparator.comparingInt(CompletedPart::partNumber));
      String etag;
      try {
        etag = s3.completeMultipartUpload(requests.complete(key, uploadId, parts)).eTag();
      } catch (SdkException e) {
        throw S3Errors.io("complete multipart upload of", where, e);
      }
      completed = true;
      return new Result(total, requireEtag(etag, where), parts.size());
    } finally {
      if (!completed) {
        abort(key, uploadId, futures, where);
      }
    }
  }

  private static void acquire(Semaphore s, String where) throws InterruptedIOException {
    try {
      s.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading " + where);
    }
  }

  /** Stops reading more data as soon as one part has failed. */
  private static void failFast(List<Future<CompletedPart>> futures, String where)
      throws IOException {
    for (Future<CompletedPart> f : futures) {
      if (f.isDone()) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw partFailure(e.getCause(), where);
        } catch (InterruptedException | CancellationException e) {
          throw new InterruptedIOException("interrupted while uploading " + where);
        }
      }
    }
  }

  private static CompletedPart await(Future<CompletedPart> f, String where) throws IOException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw partFailure(e.getCause(), where);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while uploading " + where);
    }
  }

  private static IOException partFailure(Throwable cause, String where) {
    if (cause instanceof SdkException sdk) {
      return S3Errors.io("upload a part of", where, sdk);
    }
    return cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
  }

  private void abort(
      String key, String uploadId, List<Future<CompletedPart>> futures, String where) {
    for (Future<CompletedPart> f : futures) {
      f.cancel(true);
    }
    try {
      s3.abortMultipartUpload(r -> r.bucket(requests.bucket()).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      LOG.warn(
          "cannot abort the failed multipart upload {} of {}: {}; its parts stay until a"
              + " bucket lifecycle rule removes incomplete uploads",
          uploadId,
          where,
          S3Errors.describe(e));
    }
  }

  private static String requireEtag(String etag, String where) throws IOException {
    if (etag == null || etag.isEmpty()) {
      throw new IOException(
          "s3: upload of " + where + " returned no ETag; the server did not confirm the write");
    }
    return etag;
  }
}
