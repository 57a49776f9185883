package io.litestream4j;

import java.io.IOException;
import java.util.Objects;

/**
 * A follower cannot continue: the replica no longer continues what was applied, or the local
 * database was changed behind its back. Not retried: serving data that cannot be proven is worse
 * than stopping. {@link #kind()} says which.
 */
public final class FollowException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** A file's checksums do not continue the follower's database. */
    CHECKSUM_BREAK,
    /** No file, compacted file or snapshot on the replica continues the follower's TXID. */
    GAP,
    /** The replica is behind the follower (reset or replaced). */
    REPLICA_BEHIND,
    /** The local database was modified by another writer. */
    MODIFIED,
    /** The replica's database changed in a way a follower cannot apply (page size). */
    INCOMPATIBLE
  }

  private final Kind kind;

  public FollowException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}
