package io.litestream4j.testing;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;

/**
 * A replica client that passes every call to a real one, for test clients that hook a single
 * operation (faults that cannot be caused for real, pausing an upload, observing downloads). {@code
 * ltxFilesWithExactTimestamps} keeps the interface's default, so it goes through {@link #ltxFiles}.
 */
public abstract class ForwardingReplicaClient implements ReplicaClient {
  protected final ReplicaClient delegate;

  protected ForwardingReplicaClient(ReplicaClient delegate) {
    this.delegate = delegate;
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
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    return delegate.openLtxFile(level, minTxid, maxTxid, offset, length);
  }

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
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
}
