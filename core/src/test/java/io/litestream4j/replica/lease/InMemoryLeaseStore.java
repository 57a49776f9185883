package io.litestream4j.replica.lease;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lease object whose conditional operations are atomic (one lock around compare and swap), the
 * way S3 itself decides them. Local S3 servers do not decide concurrent conditional writes
 * atomically, so races between acquirers are tested here.
 */
final class InMemoryLeaseStore implements LeaseStore {

  private final AtomicLong versions = new AtomicLong();
  private Versioned current;
  private boolean conditionalDelete = true;
  private boolean unreachable;
  private int refused;
  private int replaced;
  private Runnable beforeReplace = () -> {};

  /**
   * Runs inside every replace, before it takes effect (e.g. time passing while a client retries).
   */
  synchronized void beforeReplace(Runnable r) {
    this.beforeReplace = r;
  }

  /** Successful replaces so far. */
  synchronized int replaced() {
    return replaced;
  }

  /** While true every request fails as a network error would (the server is down). */
  synchronized void unreachable(boolean down) {
    this.unreachable = down;
  }

  /** Requests refused while unreachable, so far. */
  synchronized int refused() {
    return refused;
  }

  private void reach() throws java.io.IOException {
    if (unreachable) {
      refused++;
      throw new java.net.ConnectException("Connection refused");
    }
  }

  synchronized void conditionalDelete(boolean supported) {
    this.conditionalDelete = supported;
  }

  /** Overwrites the object unconditionally, as a rogue or misconfigured replicator might. */
  synchronized String force(byte[] data) {
    current = new Versioned(data.clone(), nextEtag());
    return current.etag();
  }

  synchronized Optional<Versioned> peek() {
    return Optional.ofNullable(current);
  }

  @Override
  public String location() {
    return "memory://lock.json";
  }

  @Override
  public synchronized Optional<Versioned> read() throws java.io.IOException {
    reach();
    return Optional.ofNullable(current);
  }

  @Override
  public synchronized String create(byte[] data) throws java.io.IOException {
    reach();
    if (current != null) {
      throw new PreconditionFailedException("exists", null);
    }
    current = new Versioned(data.clone(), nextEtag());
    return current.etag();
  }

  @Override
  public synchronized String replace(byte[] data, String etag) throws java.io.IOException {
    reach();
    beforeReplace.run();
    if (current == null || !current.etag().equals(etag)) {
      throw new PreconditionFailedException("etag mismatch", null);
    }
    current = new Versioned(data.clone(), nextEtag());
    replaced++;
    return current.etag();
  }

  @Override
  public synchronized boolean delete(String etag) throws java.io.IOException {
    reach();
    if (!conditionalDelete) {
      return false;
    }
    if (current == null) {
      return true;
    }
    if (!current.etag().equals(etag)) {
      throw new PreconditionFailedException("etag mismatch", null);
    }
    current = null;
    return true;
  }

  private String nextEtag() {
    return "\"v" + versions.incrementAndGet() + "\"";
  }
}
