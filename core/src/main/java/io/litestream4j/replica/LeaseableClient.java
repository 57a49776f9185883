package io.litestream4j.replica;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Implemented by {@link ReplicaClient}s whose backend can hold a replication lease (s3, abs and gs,
 * with conditional writes through {@link io.litestream4j.replica.lease.Leaser}; file, with an OS
 * lock). Callers normally go through {@link ReplicaLease#acquire}.
 */
public interface LeaseableClient {

  /**
   * Takes the lease on this client's replica and keeps renewing it until the returned lease is
   * closed. From then on this client writes only while the lease is held. Returns {@link
   * ReplicaLease#none()} when leasing is turned off in the configuration.
   *
   * @param onLost called once, from the renewal thread, if the lease is lost while held
   * @throws LeaseHeldException if another live replicator holds the lease
   */
  ReplicaLease acquireLease(Consumer<? super LeaseLostException> onLost) throws IOException;
}
