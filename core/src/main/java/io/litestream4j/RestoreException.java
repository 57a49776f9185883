package io.litestream4j;

import java.io.IOException;
import java.util.Objects;

/**
 * A restore could not produce the requested database. The message says what is wrong (the missing
 * TXID range, the range the replica does hold, the file that failed verification, the output path
 * that is in the way) and, where there is one, what to do. {@link #reason()} lets callers react to
 * the kind of failure, e.g. {@code -if-replica-exists} treats {@link Reason#NO_BACKUPS} as success.
 * A failed restore never leaves an output or temporary file behind.
 */
public final class RestoreException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure it was. */
  public enum Reason {
    /** The replica holds no LTX files at all (or does not exist). */
    NO_BACKUPS,
    /** The target TXID or timestamp is outside what the replica holds. */
    TARGET_NOT_AVAILABLE,
    /** The replica's history has a hole: transactions between two files are missing. */
    GAP,
    /** A file on the replica is damaged: too short, corrupt, or not continuing its predecessor. */
    CORRUPT_REPLICA,
    /**
     * Files the plan needed vanished from the replica twice while restoring (retention running).
     */
    REPLICA_CHANGED,
    /** SQLite's quick_check or integrity_check rejected the restored database. */
    INTEGRITY_CHECK_FAILED,
    /** The output path holds a database (or SQLite sidecar) and overwriting was not allowed. */
    OUTPUT_EXISTS,
    /** The output path cannot be written (a directory, no permission, disk full, ...). */
    OUTPUT_UNWRITABLE
  }

  private final Reason reason;

  public RestoreException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public RestoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
