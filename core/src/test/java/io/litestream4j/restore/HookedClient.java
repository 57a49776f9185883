package io.litestream4j.restore;

import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.testing.ForwardingReplicaClient;
import java.io.IOException;
import java.io.InputStream;

/**
 * A real replica client whose downloads pass through a test hook, for faults a local file system
 * cannot produce by itself (dropped connections, files vanishing at the worst moment) and for
 * observing how downloads run (concurrency, threads).
 */
final class HookedClient extends ForwardingReplicaClient {
  /** Stands for a remote store: restores stage and download in parallel as they would from S3. */
  @Override
  public String type() {
    return "hooked";
  }

  /** Decides what one {@code openLtxFile} call returns; {@code real} performs the real call. */
  @FunctionalInterface
  interface OpenHook {
    InputStream open(int level, long minTxid, long maxTxid, long offset, Opener real)
        throws IOException;
  }

  /** The real open of the call being hooked. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  private final OpenHook hook;

  HookedClient(ReplicaClient delegate, OpenHook hook) {
    super(delegate);
    this.hook = hook;
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    return hook.open(
        level,
        minTxid,
        maxTxid,
        offset,
        () -> delegate.openLtxFile(level, minTxid, maxTxid, offset, length));
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
