package io.litestream4j.store;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.testing.ForwardingReplicaClient;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real client whose uploads to one level pause after a number of bytes until the test releases
 * them: it holds a snapshot upload "in flight" while the test acts on the database. Only the timing
 * is controlled; every byte goes to the real backend.
 */
final class GatedClient extends ForwardingReplicaClient {
  final CountDownLatch reached = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  private final int level;
  private final long pauseAfter;

  GatedClient(ReplicaClient delegate, int level, long pauseAfter) {
    super(delegate);
    this.level = level;
    this.pauseAfter = pauseAfter;
  }

  @Override
  public LtxFileInfo writeLtxFile(int lvl, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    if (lvl != level) {
      return delegate.writeLtxFile(lvl, minTxid, maxTxid, data);
    }
    return delegate.writeLtxFile(
        lvl,
        minTxid,
        maxTxid,
        new FilterInputStream(data) {
          private long read;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (read >= pauseAfter && release.getCount() > 0) {
              reached.countDown();
              try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                  throw new IOException("test never released the upload");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
              }
            }
            int n =
                super.read(
                    b, off, read < pauseAfter ? (int) Math.min(len, pauseAfter - read) : len);
            if (n > 0) {
              read += n;
            }
            return n;
          }
        });
  }
}
