package io.litestream4j.server;

import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.LeaseableClient;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaLease;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * A replica client that reports every GET/PUT/DELETE/LIST (count, bytes, duration, errors) to
 * {@link ReplicaOperations} and otherwise behaves exactly like the client it wraps. A client that
 * holds a lease stays leaseable: {@link #wrap} returns a subclass implementing {@link
 * LeaseableClient} for it, so metering never switches the lease off.
 */
public class MeteredReplicaClient implements ReplicaClient {
  private final ReplicaClient delegate;
  private final ReplicaOperations ops;

  MeteredReplicaClient(ReplicaClient delegate, ReplicaOperations ops) {
    this.delegate = delegate;
    this.ops = ops;
  }

  public static ReplicaClient wrap(ReplicaClient client, ReplicaOperations ops) {
    return client instanceof LeaseableClient
        ? new Leaseable(client, ops)
        : new MeteredReplicaClient(client, ops);
  }

  /** The metered client of a replica with a lease. */
  static final class Leaseable extends MeteredReplicaClient implements LeaseableClient {
    private final LeaseableClient leaseable;

    Leaseable(ReplicaClient delegate, ReplicaOperations ops) {
      super(delegate, ops);
      this.leaseable = (LeaseableClient) delegate;
    }

    @Override
    public ReplicaLease acquireLease(Consumer<? super LeaseLostException> onLost)
        throws IOException {
      return leaseable.acquireLease(onLost);
    }
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
    return metered(ReplicaOperations.Op.LIST, r -> 0, () -> delegate.ltxFiles(level, seekTxid));
  }

  @Override
  public List<LtxFileInfo> ltxFilesWithExactTimestamps(int level, long seekTxid)
      throws IOException {
    return metered(
        ReplicaOperations.Op.LIST,
        r -> 0,
        () -> delegate.ltxFilesWithExactTimestamps(level, seekTxid));
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    long t = System.nanoTime();
    InputStream in;
    try {
      in = delegate.openLtxFile(level, minTxid, maxTxid, offset, length);
    } catch (IOException | RuntimeException e) {
      ops.record(type(), ReplicaOperations.Op.GET, 0, System.nanoTime() - t, code(e));
      throw e;
    }
    return new FilterInputStream(in) {
      private long bytes;
      private boolean reported;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytes++;
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          bytes += n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          if (!reported) {
            reported = true;
            ops.record(type(), ReplicaOperations.Op.GET, bytes, System.nanoTime() - t, null);
          }
        }
      }
    };
  }

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    return metered(
        ReplicaOperations.Op.PUT,
        LtxFileInfo::size,
        () -> delegate.writeLtxFile(level, minTxid, maxTxid, data));
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    metered(
        ReplicaOperations.Op.DELETE,
        r -> 0,
        () -> {
          delegate.deleteLtxFiles(files);
          return files;
        });
  }

  @Override
  public List<java.nio.file.Path> deleteStaleTemporaryFiles(java.time.Instant olderThan)
      throws IOException {
    return delegate.deleteStaleTemporaryFiles(olderThan);
  }

  @Override
  public void deleteAll() throws IOException {
    delegate.deleteAll();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  /** One call of the wrapped client. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code call} and records it as {@code op}: its duration, the bytes {@code bytes} reads off
   * the result, or the failure's class.
   */
  private <T> T metered(ReplicaOperations.Op op, ToLongFunction<T> bytes, Call<T> call)
      throws IOException {
    long t = System.nanoTime();
    try {
      T result = call.run();
      ops.record(type(), op, bytes.applyAsLong(result), System.nanoTime() - t, null);
      return result;
    } catch (IOException | RuntimeException e) {
      ops.record(type(), op, 0, System.nanoTime() - t, code(e));
      throw e;
    }
  }

  private static String code(Exception e) {
    return e.getClass().getSimpleName();
  }
}
