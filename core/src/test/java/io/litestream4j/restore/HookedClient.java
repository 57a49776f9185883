package io.litestream4j.restore;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;

/**
 * A real replica client whose downloads pass through a test hook, for faults a local file system
 * cannot produce by itself (dropped connections, files vanishing at the worst moment) and for
 * observing how downloads run (concurrency, threads).
 */
final class HookedClient implements ReplicaClient {

  /** Decides what one {@code openLtxFile} call returns; {@code real} performs the real call. */
  @FunctionalInterface
  interface OpenHook {
    InputStream open(int level, long minTxid, long maxTxid, long offset, Opener real) throws IOException;
  }

  /** The real open of the call being hooked. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  private final ReplicaClient delegate;
  private final OpenHook hook;

  HookedClient(ReplicaClient delegate, OpenHook hook) {
    this.delegate = delegate;
    this.hook = hook;
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    return hook.open(level, minTxid, maxTxid, offset,
        () -> delegate.openLtxFile(level, minTxid, maxTxid, offset, length));
  }

  @Override
  public String type() {
    return delegate.type();
  }

  @Override
  public void init() throws IOException {
    delegate.init();
  }

  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    return delegate.ltxFiles(level, seekTxid);
  }

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data) throws IOException {
    return delegate.writeLtxFile(level, minTxid, maxTxid, data);
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    delegate.deleteLtxFiles(files);
  }

  @Override
  public void deleteAll() throws IOException {
    delegate.deleteAll();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
