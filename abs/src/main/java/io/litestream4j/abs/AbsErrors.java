package io.litestream4j.abs;

import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import io.litestream4j.internal.Throwables;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns Azure SDK failures into {@link IOException}s that say what failed, where, why and what to
 * do. Authorisation failures are reported without the SDK's exception attached: its text can carry
 * the request URL, whose SAS signature is a secret.
 */
final class AbsErrors {

  private AbsErrors() {}

  static boolean isNotFound(Throwable e) {
    return e instanceof BlobStorageException b
        && b.getStatusCode() == 404
        && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(b.getErrorCode());
  }

  static boolean isInvalidRange(Throwable e) {
    return e instanceof BlobStorageException b
        && (b.getStatusCode() == 416 || BlobErrorCode.INVALID_RANGE.equals(b.getErrorCode()));
  }

  /** An exception for a failed {@code action} ("list", "upload", ...) on {@code where}. */
  static IOException io(String action, String where, RuntimeException e, AbsSettings settings) {
    if (e instanceof BlobStorageException b) {
      String code = b.getErrorCode() == null ? "" : " " + b.getErrorCode();
      String prefix =
          "abs: cannot %s %s: HTTP %d%s".formatted(action, where, b.getStatusCode(), code);
      if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(b.getErrorCode())) {
        return new IOException(
            prefix
                + ": container '"
                + settings.container()
                + "' does not exist at "
                + settings.endpoint()
                + "; create it (az storage container create --name "
                + settings.container()
                + ") or fix the replica's container",
            e);
      }
      if (BlobErrorCode.INVALID_BLOCK_LIST.equals(b.getErrorCode())) {
        return new IOException(
            prefix
                + ": another writer replaced the blob while this upload was in progress "
                + "(its blocks were discarded); the other writer's file is stored whole",
            e);
      }
      if (b.getStatusCode() == 412) {
        return new IOException(
            prefix + ": the blob was replaced while being read; read it again", e);
      }
      if (b.getStatusCode() == 401 || b.getStatusCode() == 403) {
        return new IOException(
            prefix
                + ": the storage service rejected the credentials ("
                + settings.credentials()
                + "); check account-name and account-key, or the sas-token's permissions (read, add, create, write, "
                + "delete, list) and expiry, or the identity's role on the container");
      }
      return new IOException(prefix + ": " + firstLine(b.getServiceMessage()), e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof com.azure.core.exception.ClientAuthenticationException
          || t instanceof com.azure.identity.CredentialUnavailableException) {
        return new IOException(
            "abs: cannot %s %s: no usable Azure credentials (%s): set sas-token or account-key "
                    .formatted(action, where, settings.credentials())
                + "(or LITESTREAM_AZURE_SAS_TOKEN / LITESTREAM_AZURE_ACCOUNT_KEY), or give DefaultAzureCredential an "
                + "identity (AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET, a managed identity, or az login): "
                + firstLine(String.valueOf(t.getMessage())));
      }
    }
    if (e instanceof UncheckedIOException u) {
      return new IOException(
          "abs: cannot %s %s: %s".formatted(action, where, u.getCause().getMessage()),
          u.getCause());
    }
    Throwable root = Throwables.rootCause(e);
    return new IOException("abs: cannot %s %s: %s".formatted(action, where, root), e);
  }

  private static String firstLine(String s) {
    if (s == null || s.isBlank()) {
      return "(no message from the service)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s.strip() : s.substring(0, nl).strip();
  }
}
