package io.litestream4j.replica;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The exclusive right of one replicator to write a replica, so that two processes replicating the
 * same database to the same place (a restarted container whose predecessor still runs, a copied
 * deployment) cannot interleave their files and corrupt the replica.
 *
 * <p>A lease is taken before replication starts, renewed in the background while it runs and
 * released on shutdown. While a lease is not held (lost to another replicator, or expired because
 * renewals failed), the client that took it refuses to write or delete, so a replicator that lost
 * its lease stops changing the replica even if nobody reacts to the loss.
 *
 * <h2>Wiring (replicate command / {@code Replication})</h2>
 *
 * <pre>{@code
 * ReplicaClient client = ReplicaClients.discover().create(replicaConfig);
 * try (ReplicaLease lease = ReplicaLease.acquire(client, lost -> stopReplicationAndExit(lost))) {
 *   // LeaseHeldException here: another live replicator holds it -> refuse to start, print message
 *   try (Replication r = Replication.start(options, client)) { ... }
 * }
 * }</pre>
 *
 * <p>Backends without leasing, and backends whose configuration turns it off ({@code lease:
 * false}), give {@link #none()}.
 */
public interface ReplicaLease extends AutoCloseable {

  /** Who holds the lease, {@code host:pid}; empty for {@link #none()}. */
  String owner();

  /** When the lease runs out unless renewed; {@link Instant#MAX} for {@link #none()}. */
  Instant expiresAt();

  /** True while this process holds the lease: false once it was lost, expired or released. */
  boolean held();

  /**
   * Stops renewing and releases the lease so another replicator can take over at once. Idempotent.
   */
  @Override
  void close() throws IOException;

  /**
   * Takes the lease of the replica {@code client} writes to, if its backend supports leasing and
   * leasing is enabled; otherwise returns {@link #none()}.
   *
   * @param onLost called once, from the renewal thread, if the lease is lost while held
   * @throws LeaseHeldException if another live replicator holds the lease
   * @throws IOException if the backend cannot be reached
   */
  static ReplicaLease acquire(ReplicaClient client, Consumer<? super LeaseLostException> onLost)
      throws IOException {
    return client instanceof LeaseableClient leaseable ? leaseable.acquireLease(onLost) : none();
  }

  /** A lease that guards nothing: for backends without leasing or with leasing turned off. */
  static ReplicaLease none() {
    return NoLease.INSTANCE;
  }

  /** The lease of backends that have none: always held, never expires. */
  enum NoLease implements ReplicaLease {
    INSTANCE;

    @Override
    public String owner() {
      return "";
    }

    @Override
    public Instant expiresAt() {
      return Instant.MAX;
    }

    @Override
    public boolean held() {
      return true;
    }

    @Override
    public void close() {
      // nothing to release
    }
  }
}
