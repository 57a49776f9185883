package io.litestream4j.s3;

/**
 * What an S3 response's HTTP status and error code mean to a client, whichever client received them
 * (the AWS SDK or {@link HttpObjectReads}): whether the request is worth repeating, whether the
 * server is shedding load, and the message and hint a user gets when it failed for good.
 */
final class S3ErrorCodes {

  private S3ErrorCodes() {}

  /** {@link S3Errors#isRetryable(Throwable)} for a response's status and error code. */
  static boolean isRetryable(int status, String code) {
    if (status == 408 || status == 429 || status >= 500) {
      return true;
    }
    return switch (code) {
      case "RequestCanceled",
          "RequestTimeout",
          "SlowDown",
          "Throttling",
          "ThrottlingException",
          "TooManyRequests",
          "InternalError",
          "ServiceUnavailable",
          "RequestTimeTooSkewed" ->
          true;
      default -> false;
    };
  }

  static boolean isThrottling(int status, String code) {
    return status == 429
        || code.equals("SlowDown")
        || code.equals("Throttling")
        || code.equals("ThrottlingException")
        || code.equals("TooManyRequests");
  }

  /**
   * {@code HTTP <status> <code>: <message> (request id <id>)} and a hint at what to do; empty parts
   * are left out.
   */
  static String describe(int status, String code, String message, String requestId) {
    var sb = new StringBuilder("HTTP ").append(status);
    if (!code.isEmpty()) {
      sb.append(' ').append(code);
    }
    if (!message.isEmpty()) {
      sb.append(": ").append(message);
    }
    if (!requestId.isEmpty()) {
      sb.append(" (request id ").append(requestId).append(')');
    }
    return sb.append(hint(status, code)).toString();
  }

  private static String hint(int status, String code) {
    return switch (code) {
      case "NoSuchBucket" -> "; the bucket does not exist: create it or fix the bucket name";
      case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch" ->
          "; check the access key, secret key and the bucket policy";
      case "PermanentRedirect",
          "AuthorizationHeaderMalformed",
          "IllegalLocationConstraintException" ->
          "; the bucket is in another region: set 'region' to the bucket's region";
      case "XAmzContentSHA256Mismatch", "MalformedTrailerError", "NotImplemented" ->
          "; the server may not support the request signing in use: try sign-payload: true, or report the provider";
      default ->
          status == 403
              ? "; check the credentials and the bucket policy"
              : status >= 500 || status == 429 || status == 408 ? " (gave up after retrying)" : "";
    };
  }
}
