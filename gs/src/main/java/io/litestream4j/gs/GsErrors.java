package io.litestream4j.gs;

import com.google.cloud.BaseServiceException;
import io.litestream4j.internal.Throwables;
import java.io.IOException;

/**
 * Turns Google Cloud Storage client failures into {@link IOException}s that say what failed, where,
 * why and what to do (missing bucket, missing or rejected Application Default Credentials).
 */
final class GsErrors {

  private GsErrors() {}

  static int status(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BaseServiceException b && b.getCode() != 0) {
        return b.getCode();
      }
    }
    return 0;
  }

  static boolean isNotFound(Throwable e) {
    return status(e) == 404;
  }

  static boolean isInvalidRange(Throwable e) {
    return status(e) == 416;
  }

  static IOException io(String action, String where, Throwable e, GsSettings settings) {
    int status = status(e);
    String prefix = "gs: cannot %s %s".formatted(action, where);
    String text = String.valueOf(e.getMessage());
    if (status == 404 && text.contains("bucket")) {
      return new IOException(
          prefix
              + ": HTTP 404: bucket '"
              + settings.bucket()
              + "' does not exist; create it (gcloud storage buckets create gs://"
              + settings.bucket()
              + ") or fix the replica's bucket",
          e);
    }
    if (status == 401 || status == 403) {
      return new IOException(
          prefix
              + ": HTTP "
              + status
              + ": Google Cloud Storage rejected the Application "
              + "Default Credentials; check GOOGLE_APPLICATION_CREDENTIALS (or gcloud auth application-default "
              + "login) and that the identity may read, create and delete objects in gs://"
              + settings.bucket(),
          e);
    }
    if (text.contains("default credentials were not found")
        || text.contains("Application Default Credentials")) {
      return new IOException(
          prefix
              + ": no Application Default Credentials found; set "
              + "GOOGLE_APPLICATION_CREDENTIALS to a service account key file, run gcloud auth application-default "
              + "login, or run on Google Cloud with a service account",
          e);
    }
    Throwable root = Throwables.rootCause(e);
    String detail = root == e ? firstLine(text) : firstLine(text) + " (" + root + ")";
    return new IOException(prefix + (status != 0 ? ": HTTP " + status : "") + ": " + detail, e);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s.strip() : s.substring(0, nl).strip();
  }
}
