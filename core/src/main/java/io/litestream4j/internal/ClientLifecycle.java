package io.litestream4j.internal;

import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.lease.LeaseKeeper;
import io.litestream4j.replica.lease.LeaseStore;
import io.litestream4j.replica.lease.LeaseTiming;
import io.litestream4j.replica.lease.Leaser;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The life of a remote replica client's connection and lease, which every network backend shares:
 * the SDK client (or connection) is created on first use, the lease is taken on it, writes and
 * deletes are fenced by it, and closing releases the lease before the client.
 *
 * <p>Guarantees: the client is opened at most once at a time (a failed open is tried again by the
 * next call); once {@link #close()} has begun, {@link #client()} and {@link #acquireLease} fail
 * with "{@code <type> replica <location> is closed}" and no new lease can start; one lease is held
 * at a time; {@link #close()} runs once, releases the lease first and closes the client even when
 * the release fails. Thread-safe.
 *
 * @param <C> the client (SDK client, connection) this lifecycle opens and closes
 */
public final class ClientLifecycle<C> {

  /** Creates the client; called under the lifecycle's lock. */
  @FunctionalInterface
  public interface Opener<C> {
    C open() throws IOException;
  }

  /** Releases what {@link Opener#open()} created. */
  @FunctionalInterface
  public interface Closer<C> {
    void close(C client) throws IOException;
  }

  /** The lease record's store on an open client. */
  @FunctionalInterface
  public interface LeaseStores<C> {
    LeaseStore on(C client) throws IOException;
  }

  /** Names every object under a prefix on an open client. */
  @FunctionalInterface
  public interface Lister<C> {
    List<String> names(C client, String prefix) throws IOException;
  }

  /** Deletes one object on an open client; a missing object is not an error. */
  @FunctionalInterface
  public interface Deleter<C> {
    void delete(C client, String name) throws IOException;
  }

  private final String type;
  private final String location;
  private final Opener<C> opener;
  private final Closer<C> closer;
  private final Object lock = new Object();
  private volatile @Nullable C client;
  private volatile @Nullable LeaseKeeper lease;
  private volatile boolean closed;

  /**
   * @param type the backend's type, as messages name it ({@code "s3"})
   * @param location the replica's location, as messages name it ({@code "s3://bucket/db"})
   */
  public ClientLifecycle(String type, String location, Opener<C> opener, Closer<C> closer) {
    this.type = Objects.requireNonNull(type, "type");
    this.location = Objects.requireNonNull(location, "location");
    this.opener = Objects.requireNonNull(opener, "opener");
    this.closer = Objects.requireNonNull(closer, "closer");
  }

  /** The client, opened on first use. */
  public C client() throws IOException {
    C c = client;
    if (c != null && !closed) {
      return c;
    }
    synchronized (lock) {
      if (closed) {
        throw new IOException(type + " replica " + location + " is closed");
      }
      if (client == null) {
        client = opener.open();
      }
      return client;
    }
  }

  /** True from a successful open until close: the client is in use. */
  public boolean isOpen() {
    return client != null;
  }

  /**
   * Takes the lease through the store {@code stores} gives on the client and keeps it renewed in
   * the background until it is lost or closed.
   *
   * @param enabled false when the configuration says {@code lease: false}: gives {@link
   *     ReplicaLease#none()} without opening the client
   * @throws IllegalStateException if this lifecycle already holds a lease
   */
  public ReplicaLease acquireLease(
      boolean enabled,
      LeaseStores<C> stores,
      String owner,
      LeaseTiming timing,
      Clock clock,
      Consumer<? super LeaseLostException> onLost)
      throws IOException {
    Objects.requireNonNull(onLost, "onLost");
    if (!enabled) {
      return ReplicaLease.none();
    }
    synchronized (lock) {
      C c = client();
      LeaseKeeper current = lease;
      if (current != null && current.held()) {
        throw new IllegalStateException("this client already holds the lease of " + location);
      }
      LeaseKeeper keeper =
          LeaseKeeper.start(
              new Leaser(stores.on(c), owner, timing.ttl(), clock),
              clock,
              timing.renewInterval(),
              onLost);
      lease = keeper;
      return keeper;
    }
  }

  /** The fence in front of every write: throws when a lease was taken and is no longer held. */
  public void checkLease(String action) throws LeaseLostException {
    LeaseKeeper current = lease;
    if (current != null) {
      current.checkHeld(action);
    }
  }

  /** True while a lease taken here is held (deleting everything must then spare its record). */
  public boolean leaseHeld() {
    LeaseKeeper current = lease;
    return current != null && current.held();
  }

  /**
   * Deletes the objects {@code names} one request each, after checking the lease (a backend without
   * batch deletes).
   */
  public void deleteEach(Collection<String> names, Deleter<C> deleter) throws IOException {
    checkLease("delete files from " + location);
    C c = client();
    for (String name : names) {
      deleter.delete(c, name);
    }
  }

  /**
   * Deletes every object {@code lister} names under {@code prefix} one request each, except {@code
   * leaseKey} while this lifecycle holds the lease (the holder's record outlives its own wipe). The
   * lease is checked first; the listing is complete before the first delete.
   */
  public void deleteAll(String prefix, String leaseKey, Lister<C> lister, Deleter<C> deleter)
      throws IOException {
    checkLease("delete everything in " + location);
    C c = client();
    @Nullable String skip = leaseHeld() ? leaseKey : null;
    var names = new ArrayList<String>();
    for (String name : lister.names(c, prefix)) {
      if (!name.equals(skip)) {
        names.add(name);
      }
    }
    for (String name : names) {
      deleter.delete(c, name);
    }
  }

  /** Releases the lease if one is held, then closes the client if it was opened. Idempotent. */
  public void close() throws IOException {
    C c;
    LeaseKeeper l;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = client;
      client = null;
      l = lease;
    }
    try {
      if (l != null) {
        l.close();
      }
    } finally {
      if (c != null) {
        closer.close(c);
      }
    }
  }
}
