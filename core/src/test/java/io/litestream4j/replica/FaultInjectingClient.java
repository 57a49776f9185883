package io.litestream4j.replica;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

/**
 * Wraps a real client and breaks its downloads on cue: a dropped connection (read error) or a
 * connection closed early (end of stream) after a given number of bytes, or a failing open. Used
 * only for faults that cannot be caused for real on a local file system. Records every open.
 */
final class FaultInjectingClient implements ReplicaClient {

  /** What the next opened stream (or the open itself) does wrong. */
  sealed interface Fault {}

  record FailOpen(IOException error) implements Fault {}

  record ErrorAfter(long bytes) implements Fault {}

  record EofAfter(long bytes) implements Fault {}

  record Healthy() implements Fault {}

  private final ReplicaClient delegate;
  private final Deque<Fault> faults = new ArrayDeque<>();
  final List<Long> openOffsets = new ArrayList<>();

  FaultInjectingClient(ReplicaClient delegate) {
    this.delegate = delegate;
  }

  FaultInjectingClient then(Fault fault) {
    faults.add(fault);
    return this;
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    openOffsets.add(offset);
    Fault fault = faults.isEmpty() ? new Healthy() : faults.poll();
    if (fault instanceof FailOpen f) {
      throw f.error();
    }
    InputStream in = delegate.openLtxFile(level, minTxid, maxTxid, offset, length);
    return switch (fault) {
      case ErrorAfter f -> new Breaking(in, f.bytes(), true);
      case EofAfter f -> new Breaking(in, f.bytes(), false);
      default -> in;
    };
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

  /** Passes {@code limit} bytes through, then fails or pretends the stream ended. */
  private static final class Breaking extends FilterInputStream {
    private long remaining;
    private final boolean error;

    Breaking(InputStream in, long limit, boolean error) {
      super(in);
      this.remaining = limit;
      this.error = error;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        if (error) {
          throw new IOException("Connection reset by peer");
        }
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }
}
