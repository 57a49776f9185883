package io.litestream4j.replica;

import java.io.IOException;
import java.time.Instant;

/**
 * Replication cannot start: another replicator holds the replica's lease and it has not expired.
 * The message names the holder, the expiry and what to do.
 */
public final class LeaseHeldException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String owner;
  private final Instant expiresAt;

  public LeaseHeldException(String location, String owner, Instant expiresAt) {
    this(
        expiresAt,
        owner,
        ("replica %s is in use: its lease is held by %s until %s; another replicator is writing"
                + " to it. Stop that replicator (or wait until its lease expires if it died), or turn"
                + " leasing off with the replica option 'lease: false' if you are sure only one replicator runs")
            .formatted(location, owner.isEmpty() ? "an unnamed replicator" : owner, expiresAt));
  }

  private LeaseHeldException(Instant expiresAt, String owner, String message) {
    super(message);
    this.owner = owner;
    this.expiresAt = expiresAt;
  }

  /**
   * The lease is an OS lock held for as long as its holder runs (file replicas): it has no expiry,
   * and is released the moment the holder exits or dies.
   */
  public static LeaseHeldException untilReleased(String location, String owner) {
    return new LeaseHeldException(
        Instant.MAX,
        owner,
        ("replica %s is in use: its lease is held by %s, another replicator writing"
                + " to it (e.g. the previous instance during a rolling deploy). Stop that replicator first (its lease"
                + " is released the moment it exits), or turn leasing off with the replica option 'lease: false' if you are sure only"
                + " one replicator runs")
            .formatted(location, owner));
  }

  /** The holder, {@code host:pid}, as it recorded itself. */
  public String owner() {
    return owner;
  }

  /** When the holder's lease runs out unless it renews it. */
  public Instant expiresAt() {
    return expiresAt;
  }
}
