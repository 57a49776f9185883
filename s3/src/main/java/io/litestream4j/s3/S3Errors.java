package io.litestream4j.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Classifies AWS SDK failures (missing object, lost condition, transient) and turns them into
 * {@link IOException}s whose messages say what failed, where, why, and what to do. Messages are
 * built from status, error code and the service's message only: request headers (credentials, SSE-C
 * keys) never end up in them.
 */
final class S3Errors {

  private S3Errors() {}

  static int status(Throwable e) {
    return e instanceof SdkServiceException s ? s.statusCode() : 0;
  }

  static String code(Throwable e) {
    if (e instanceof AwsServiceException a) {
      AwsErrorDetails d = a.awsErrorDetails();
      if (d != null && d.errorCode() != null) {
        return d.errorCode();
      }
    }
    return "";
  }

  /** The bucket itself does not exist (404 too, but no object operation can succeed). */
  static boolean isNoSuchBucket(Throwable e) {
    return code(e).equals("NoSuchBucket");
  }

  static boolean isNotFound(Throwable e) {
    return e instanceof NoSuchKeyException
        || status(e) == 404
        || code(e).equals("NoSuchKey")
        || code(e).equals("NotFound");
  }

  /**
   * A conditional request's condition did not hold (412), or a concurrent conditional write won
   * (409 {@code ConditionalRequestConflict}).
   */
  static boolean isPreconditionFailed(Throwable e) {
    return status(e) == 412
        || code(e).equals("PreconditionFailed")
        || status(e) == 409 && code(e).equals("ConditionalRequestConflict");
  }

  static boolean isInvalidRange(Throwable e) {
    return status(e) == 416 || code(e).equals("InvalidRange");
  }

  /**
   * Whether a failed request is worth repeating: server errors, timeouts (408), throttling (429,
   * {@code SlowDown}), providers' load shedding ({@code RequestCanceled}) and dropped or reset
   * connections. Never conditions that failed, missing objects or authorisation errors.
   */
  static boolean isRetryable(Throwable e) {
    if (isInterrupt(e)) {
      return false;
    }
    if (S3ErrorCodes.isRetryable(status(e), code(e))) {
      return true;
    }
    if (e instanceof SdkClientException || e instanceof ApiCallAttemptTimeoutException) {
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof IOException) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean isThrottling(Throwable e) {
    return S3ErrorCodes.isThrottling(status(e), code(e));
  }

  static boolean isInterrupt(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof InterruptedException
          || c instanceof AbortedException
          || c instanceof InterruptedIOException && !(c instanceof SocketTimeoutException)) {
        return true;
      }
    }
    return Thread.currentThread().isInterrupted();
  }

  /** {@code s3: cannot <action> <where>: <why>}, keeping the SDK exception as the cause. */
  static IOException io(String action, String where, SdkException e) {
    String message = "s3: cannot " + action + " " + where + ": " + describe(e);
    if (isInterrupt(e)) {
      var interrupted = new InterruptedIOException(message);
      interrupted.initCause(e);
      return interrupted;
    }
    return new IOException(message, e);
  }

  static String describe(SdkException e) {
    if (e instanceof AwsServiceException a) {
      AwsErrorDetails d = a.awsErrorDetails();
      return S3ErrorCodes.describe(
          a.statusCode(),
          code(a),
          d != null && d.errorMessage() != null ? d.errorMessage() : "",
          a.requestId() != null ? a.requestId() : "");
    }
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof SdkClientException
        && (msg.contains("credentials") || msg.contains("Credentials"))) {
      return msg
          + "; set access-key-id and secret-access-key, LITESTREAM_ACCESS_KEY_ID and"
          + " LITESTREAM_SECRET_ACCESS_KEY, or configure the AWS default credential chain";
    }
    return msg + (isRetryable(e) ? " (gave up after retrying; is the endpoint reachable?)" : "");
  }
}
