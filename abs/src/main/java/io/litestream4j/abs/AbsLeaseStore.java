package io.litestream4j.abs;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobDownloadContentResponse;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import io.litestream4j.replica.lease.LeaseStore;
import java.io.IOException;
import java.util.Optional;

/**
 * The lease blob {@code <path>/lock.json} in an Azure container, changed only with conditional
 * requests: created with {@code If-None-Match: *}, renewed and deleted with {@code If-Match:
 * <ETag>}. The service rejects a failed condition with 412 (or 409 {@code BlobAlreadyExists} for a
 * create), which is reported as {@link PreconditionFailedException}.
 *
 * <p>Azure's own blob leases are not used: the lock is the same JSON object at the same place as on
 * the other object stores, so a replica's holder can be read by anyone with read access.
 */
final class AbsLeaseStore implements LeaseStore {

  private final BlobClient blob;
  private final String location;
  private final AbsSettings settings;

  AbsLeaseStore(BlobClient blob, AbsSettings settings) {
    this.blob = blob;
    this.settings = settings;
    this.location = settings.where(blob.getBlobName());
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public Optional<Versioned> read() throws IOException {
    try {
      BlobDownloadContentResponse r =
          blob.downloadContentWithResponse(null, null, null, Context.NONE);
      return Optional.of(
          new Versioned(r.getValue().toBytes(), r.getDeserializedHeaders().getETag()));
    } catch (RuntimeException e) {
      if (AbsErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw AbsErrors.io("read lease", location, e, settings);
    }
  }

  @Override
  public String create(byte[] data) throws IOException {
    return put(data, new BlobRequestConditions().setIfNoneMatch("*"));
  }

  @Override
  public String replace(byte[] data, String etag) throws IOException {
    return put(data, new BlobRequestConditions().setIfMatch(etag));
  }

  private String put(byte[] data, BlobRequestConditions conditions) throws IOException {
    try {
      return blob.getBlockBlobClient()
          .uploadWithResponse(
              new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(data))
                  .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                  .setRequestConditions(conditions),
              null,
              Context.NONE)
          .getValue()
          .getETag();
    } catch (RuntimeException e) {
      if (conditionFailed(e) || AbsErrors.isNotFound(e)) {
        throw new PreconditionFailedException("lease " + location + " changed: " + describe(e), e);
      }
      throw AbsErrors.io("write lease", location, e, settings);
    }
  }

  @Override
  public boolean delete(String etag) throws IOException {
    try {
      blob.deleteWithResponse(
          null, new BlobRequestConditions().setIfMatch(etag), null, Context.NONE);
      return true;
    } catch (RuntimeException e) {
      if (AbsErrors.isNotFound(e)) {
        return true;
      }
      if (conditionFailed(e)) {
        throw new PreconditionFailedException("lease " + location + " changed: " + describe(e), e);
      }
      throw AbsErrors.io("delete lease", location, e, settings);
    }
  }

  private static boolean conditionFailed(RuntimeException e) {
    return e instanceof BlobStorageException b
        && (b.getStatusCode() == 412 || BlobErrorCode.BLOB_ALREADY_EXISTS.equals(b.getErrorCode()));
  }

  private static String describe(RuntimeException e) {
    return e instanceof BlobStorageException b
        ? "HTTP " + b.getStatusCode() + " " + b.getErrorCode()
        : e.toString();
  }
}
