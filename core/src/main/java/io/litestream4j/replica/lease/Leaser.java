package io.litestream4j.replica.lease;

import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.lease.LeaseStore.PreconditionFailedException;
import io.litestream4j.replica.lease.LeaseStore.Versioned;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease protocol over a {@link LeaseStore}, compatible with Litestream's S3 leaser (same {@code
 * lock.json}, same rules), for every backend whose store has conditional writes.
 *
 * <ul>
 *   <li><b>Acquire:</b> read the lock; an unexpired lease of anyone else is refused with a {@link
 *       LeaseHeldException} naming the holder and expiry. A missing lock is created with {@code
 *       If-None-Match: *}; an expired one is taken over with {@code If-Match} and the next
 *       generation. Losing the race to a concurrent acquirer is a refusal too.
 *   <li><b>Renew:</b> rewrite the lock with a new expiry and {@code If-Match}; a changed or deleted
 *       lock means the lease was lost ({@link LeaseLostException}).
 *   <li><b>Release:</b> delete with {@code If-Match} (or expire it in place where deletes are not
 *       conditional), so a lease taken over by someone else is never removed.
 * </ul>
 *
 * <p>A conditional write that the server applied but whose response was lost is retried by the SDK
 * and then fails its own condition; the protocol recognises that case by reading back exactly the
 * record it wrote, so a flaky network does not turn a won lease into a refusal.
 */
public final class Leaser {

  private static final Logger LOG = LoggerFactory.getLogger(Leaser.class);
  private static final int MAX_RACES = 3;

  /** A lease this process holds: the record as written and the version tag of that write. */
  public record Held(LeaseRecord record, String etag) {}

  private final LeaseStore store;
  private final String owner;
  private final Duration ttl;
  private final Clock clock;

  public Leaser(LeaseStore store, String owner, Duration ttl, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.ttl = Objects.requireNonNull(ttl, "ttl");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public String owner() {
    return owner;
  }

  public String location() {
    return store.location();
  }

  public Held acquire() throws IOException {
    for (int race = 0; race < MAX_RACES; race++) {
      Optional<Versioned> current = store.read();
      Instant now = clock.instant();
      LeaseRecord wanted;
      if (current.isPresent()) {
        LeaseRecord existing = LeaseRecord.parse(current.get().data(), store.location());
        if (existing.expiresAt().isAfter(now)) {
          throw new LeaseHeldException(store.location(), existing.owner(), existing.expiresAt());
        }
        wanted = new LeaseRecord(existing.generation() + 1, now.plus(ttl), owner);
        LOG.info(
            "taking over expired lease {} of {} (expired {})",
            store.location(),
            existing.owner().isEmpty() ? "an unnamed replicator" : existing.owner(),
            existing.expiresAt());
      } else {
        wanted = new LeaseRecord(1, now.plus(ttl), owner);
      }
      byte[] json = wanted.toJson();
      try {
        String etag =
            current.isPresent() ? store.replace(json, current.get().etag()) : store.create(json);
        return new Held(wanted, etag);
      } catch (PreconditionFailedException lostRace) {
        Optional<Versioned> after = store.read();
        if (after.isPresent() && Arrays.equals(after.get().data(), json)) {
          return new Held(wanted, after.get().etag()); // our write landed; its response was lost
        }
        if (after.isPresent()) {
          LeaseRecord winner = LeaseRecord.parse(after.get().data(), store.location());
          if (winner.expiresAt().isAfter(clock.instant())) {
            throw new LeaseHeldException(store.location(), winner.owner(), winner.expiresAt());
          }
        }
        LOG.debug("lease {} changed while acquiring it; trying again", store.location());
      }
    }
    throw new IOException(
        "cannot acquire lease "
            + store.location()
            + ": it kept changing during "
            + MAX_RACES
            + " attempts; another replicator is competing for it");
  }

  public Held renew(Held lease) throws IOException {
    LeaseRecord next =
        new LeaseRecord(lease.record().generation(), clock.instant().plus(ttl), owner);
    byte[] json = next.toJson();
    try {
      return new Held(next, store.replace(json, lease.etag()));
    } catch (PreconditionFailedException e) {
      Optional<Versioned> now = store.read();
      if (now.isPresent() && Arrays.equals(now.get().data(), json)) {
        return new Held(next, now.get().etag());
      }
      throw lost(now, e);
    }
  }

  public void release(Held lease) throws IOException {
    try {
      if (!store.delete(lease.etag())) {
        LeaseRecord expired = new LeaseRecord(lease.record().generation(), Instant.EPOCH, owner);
        store.replace(expired.toJson(), lease.etag());
      }
    } catch (PreconditionFailedException e) {
      LOG.warn(
          "lease {} was taken over by another replicator before it could be released",
          store.location());
    }
  }

  private LeaseLostException lost(Optional<Versioned> now, Throwable cause) {
    String holder;
    if (now.isEmpty()) {
      holder = "the lock object was deleted";
    } else {
      try {
        LeaseRecord r = LeaseRecord.parse(now.get().data(), store.location());
        holder =
            "it is now held by "
                + (r.owner().isEmpty() ? "another replicator" : r.owner())
                + " until "
                + r.expiresAt()
                + " (generation "
                + r.generation()
                + ")";
      } catch (IOException unreadable) {
        holder = "the lock object was overwritten";
      }
    }
    return new LeaseLostException(
        "lease "
            + store.location()
            + " of "
            + owner
            + " was lost: "
            + holder
            + "; another replicator is writing to this replica, so this one stops",
        cause);
  }
}
