package io.litestream4j.nats;

import io.litestream4j.internal.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A download streamed from jnats, whose object store API only writes objects into an {@link
 * OutputStream}: a named thread runs the get into a small bounded queue of chunks that this stream
 * reads.
 *
 * <p>Never ends silently short: a failed get, fewer bytes than the object's size, or no data for
 * the stall timeout (the object's chunks were purged by a concurrent rewrite or delete, or the
 * server went away) all surface as an {@link IOException}. Closing early stops the get. Not
 * thread-safe, like any {@link InputStream}.
 */
final class NatsDownload extends BulkInputStream {

  /** What the getter thread does: copy the object into {@code out}; returns the size it copied. */
  @FunctionalInterface
  interface Getter {
    long get(OutputStream out) throws Exception;
  }

  /**
   * The get finished; {@code size} is the size of the version it read (a rewrite may change it).
   */
  private record End(long size) {}

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(8);
  private final long expected; // size listed before the get started, for messages
  private final Duration stall;
  private final String where;
  private final Thread thread;
  private volatile boolean closed;
  private byte[] chunk;
  private int position;
  private long received;
  private boolean ended;

  private NatsDownload(
      long expected, Duration stall, String where, Getter getter, String threadName) {
    this.expected = expected;
    this.stall = stall;
    this.where = where;
    this.thread = Thread.ofPlatform().daemon().name(threadName).unstarted(() -> run(getter));
  }

  /** Starts downloading an object of {@code expected} bytes. */
  static NatsDownload start(
      long expected, Duration stall, String where, Getter getter, String threadName) {
    var d = new NatsDownload(expected, stall, where, getter, threadName);
    d.thread.start();
    return d;
  }

  private void run(Getter getter) {
    Object last;
    try {
      long size =
          getter.get(
              new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                  write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                  if (len > 0) {
                    offer(java.util.Arrays.copyOfRange(b, off, off + len));
                  }
                }
              });
      last = new End(size);
    } catch (Exception e) {
      last = e;
    }
    try {
      offer(last);
    } catch (IOException readerGone) {
      // nobody is reading any more
    }
  }

  private void offer(Object item) throws IOException {
    try {
      while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (closed) {
          throw new IOException("download of " + where + " was closed by its reader");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download of " + where + " interrupted");
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("download of " + where + " is closed");
    }
    if (len == 0) {
      return 0;
    }
    while (chunk == null || position == chunk.length) {
      if (ended) {
        return -1;
      }
      Object next;
      try {
        next = queue.poll(stall.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading " + where);
      }
      if (next == null) {
        throw new IOException(
            "nats: reading "
                + where
                + " stalled: no data for "
                + stall.toSeconds()
                + "s after "
                + received
                + " of "
                + expected
                + " bytes (the object was replaced or deleted meanwhile, "
                + "or the server is unreachable)");
      }
      if (next instanceof End end) {
        ended = true;
        if (received != end.size()) {
          throw new IOException(
              "nats: reading "
                  + where
                  + " ended after "
                  + received
                  + " of "
                  + end.size()
                  + " bytes");
        }
        return -1;
      }
      if (next instanceof Exception e) {
        ended = true;
        throw new IOException(
            "nats: reading " + where + " failed after " + received + " bytes: " + e.getMessage(),
            e);
      }
      chunk = (byte[]) next;
      position = 0;
      received += chunk.length;
    }
    int n = Math.min(len, chunk.length - position);
    System.arraycopy(chunk, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public void close() {
    closed = true;
    queue.clear();
  }
}
