package io.litestream4j.replica.lease;

import java.io.IOException;
import java.util.Optional;

/**
 * One object that can only be changed conditionally: created if absent, replaced or deleted only
 * while its version tag is still the one the caller read. This is all the lease protocol needs from
 * an object store (S3 and Azure {@code If-None-Match}/{@code If-Match} on the ETag, Google Cloud
 * Storage {@code ifGenerationMatch}), and the seam that lets the protocol be tested against an
 * atomic in-memory store for races that no local server decides atomically.
 */
public interface LeaseStore {

  /** The stored bytes with the tag (ETag, generation) that identifies this version. */
  record Versioned(byte[] data, String etag) {}

  /** Where the object is, for messages. */
  String location();

  Optional<Versioned> read() throws IOException;

  /**
   * Creates the object if it does not exist ({@code If-None-Match: *}).
   *
   * @return the new version tag
   * @throws PreconditionFailedException if it exists
   */
  String create(byte[] data) throws IOException;

  /**
   * Replaces the object if its version tag is still {@code etag} ({@code If-Match}).
   *
   * @return the new version tag
   * @throws PreconditionFailedException if it changed or is gone
   */
  String replace(byte[] data, String etag) throws IOException;

  /**
   * Deletes the object if its version tag is still {@code etag}; a missing object counts as
   * deleted.
   *
   * @return false if the store cannot delete conditionally (the caller then expires the lease by
   *     {@link #replace} instead)
   * @throws PreconditionFailedException if it changed
   */
  boolean delete(String etag) throws IOException;

  /** A conditional request found the object changed (or, for a replace, gone). */
  final class PreconditionFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
