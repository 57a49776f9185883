package io.litestream4j.gs;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import io.litestream4j.replica.lease.LeaseStore;
import java.io.IOException;
import java.util.Optional;

/**
 * The lease object {@code <path>/lock.json} in a Google Cloud Storage bucket, changed only with
 * generation preconditions: created with {@code ifGenerationMatch=0}, renewed and deleted with
 * {@code ifGenerationMatch=<generation read>}. The object's generation plays the ETag's part; the
 * service rejects a failed precondition with 412, reported as {@link PreconditionFailedException}.
 */
final class GsLeaseStore implements LeaseStore {

  private static final int READ_ATTEMPTS = 3;

  private final Storage storage;
  private final BlobId id;
  private final GsSettings settings;

  GsLeaseStore(Storage storage, BlobId id, GsSettings settings) {
    this.storage = storage;
    this.id = id;
    this.settings = settings;
  }

  @Override
  public String location() {
    return settings.where(id.getName());
  }

  /**
   * Reads the current generation's bytes; a generation replaced between metadata and data is read
   * again.
   */
  @Override
  public Optional<Versioned> read() throws IOException {
    RuntimeException last = null;
    for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      try {
        Blob blob = storage.get(id);
        if (blob == null) {
          return Optional.empty();
        }
        long generation = blob.getGeneration();
        // That generation's bytes exactly: 404 once it was replaced (a bucket without versioning).
        byte[] data = storage.readAllBytes(BlobId.of(id.getBucket(), id.getName(), generation));
        return Optional.of(new Versioned(data, Long.toString(generation)));
      } catch (RuntimeException e) {
        int status = GsErrors.status(e);
        if (status != 412 && status != 404) {
          throw GsErrors.io("read lease", location(), e, settings);
        }
        last = e;
      }
    }
    throw GsErrors.io(
        "read lease", location() + " (it kept changing while being read)", last, settings);
  }

  @Override
  public String create(byte[] data) throws IOException {
    return put(data, BlobTargetOption.doesNotExist(), false);
  }

  @Override
  public String replace(byte[] data, String generation) throws IOException {
    return put(data, BlobTargetOption.generationMatch(Long.parseLong(generation)), true);
  }

  /**
   * {@code goneIsChanged}: a 404 means the object was deleted (a replace), not a missing bucket.
   */
  private String put(byte[] data, BlobTargetOption condition, boolean goneIsChanged)
      throws IOException {
    try {
      Blob written =
          storage.create(
              BlobInfo.newBuilder(id).setContentType("application/json").build(), data, condition);
      return Long.toString(written.getGeneration());
    } catch (RuntimeException e) {
      int status = GsErrors.status(e);
      if (status == 412 || (status == 404 && goneIsChanged)) {
        throw new PreconditionFailedException(
            "lease " + location() + " changed: HTTP " + status, e);
      }
      throw GsErrors.io("write lease", location(), e, settings);
    }
  }

  @Override
  public boolean delete(String generation) throws IOException {
    try {
      storage.delete(id, BlobSourceOption.generationMatch(Long.parseLong(generation)));
      return true;
    } catch (RuntimeException e) {
      int status = GsErrors.status(e);
      if (status == 404) {
        return true;
      }
      if (status == 412) {
        throw new PreconditionFailedException("lease " + location() + " changed: HTTP 412", e);
      }
      throw GsErrors.io("delete lease", location(), e, settings);
    }
  }
}
