package io.litestream4j.store;

import io.litestream4j.internal.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Connects a producer that writes an LTX file to an {@link OutputStream} (the encoder, the
 * compactor) with a consumer that uploads from an {@link InputStream} (the replica client), without
 * staging the file: the producer runs on its own named thread and hands over chunks through a small
 * bounded queue, so memory stays at a few chunks whatever the file size.
 *
 * <p>Unlike {@link java.io.PipedInputStream}, a failing producer is never mistaken for the end of
 * the file: its exception is rethrown to the reader, so the upload fails and the backend publishes
 * nothing. Closing or {@linkplain Reader#abort() aborting} the reader makes the producer's next
 * write fail, so it stops promptly too.
 */
final class StreamPipe {
  private static final int CHUNK = 64 * 1024;
  private static final int QUEUE = 8;
  private static final Object END = new Object();
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

  /** Writes the whole stream; the pipe signals the end itself when this returns normally. */
  @FunctionalInterface
  interface Producer {
    void writeTo(OutputStream out) throws IOException;
  }

  private StreamPipe() {}

  /** Starts {@code producer} on a new thread named {@code threadName}; returns the reading end. */
  static Reader start(String threadName, Producer producer) {
    Reader reader = new Reader();
    reader.thread =
        Thread.ofPlatform().name(threadName).daemon(true).start(() -> reader.produce(producer));
    return reader;
  }

  /** The reading end. Not thread-safe, except {@link #abort()}. */
  static final class Reader extends BulkInputStream {
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile boolean aborted;
    private volatile @Nullable Throwable producerFailure;
    private @Nullable Thread thread;
    private byte @Nullable [] chunk;
    private int pos;
    private boolean eof;
    private @Nullable IOException failure;

    private void produce(Producer producer) {
      Writer out = new Writer(this);
      try {
        producer.writeTo(out);
        out.close();
        put(END);
      } catch (Throwable t) {
        producerFailure = t;
        try {
          put(t);
        } catch (IOException ignored) {
          // the reader is gone; nobody is left to tell
        }
      }
    }

    private void put(Object item) throws IOException {
      try {
        while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          if (aborted) {
            throw new IOException("the upload stopped reading (aborted)");
          }
        }
        if (aborted) {
          queue.clear();
          throw new IOException("the upload stopped reading (aborted)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("producer interrupted");
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (aborted) {
        throw new IOException("stream aborted");
      }
      while (chunk == null || pos == chunk.length) {
        if (eof) {
          return -1;
        }
        if (failure != null) {
          throw failure;
        }
        if (aborted) {
          throw new IOException("stream aborted");
        }
        Object next;
        try {
          next = queue.poll(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for the producer");
        }
        if (next == null) {
          continue;
        }
        if (next == END) {
          eof = true;
        } else if (next instanceof Throwable t) {
          failure =
              t instanceof IOException io
                  ? new IOException(io.getMessage(), io)
                  : new IOException("producing the stream failed: " + t, t);
        } else {
          chunk = (byte[]) next;
          pos = 0;
        }
      }
      int n = Math.min(len, chunk.length - pos);
      System.arraycopy(chunk, pos, b, off, n);
      pos += n;
      return n;
    }

    /**
     * Whether {@link #abort()} was called: by the store on its way out, or by {@link #close()}
     * before the end of the stream.
     */
    boolean aborted() {
      return aborted;
    }

    /** Makes reads and the producer's writes fail from now on; safe from any thread. */
    void abort() {
      aborted = true;
      queue.clear();
    }

    /**
     * Waits for the producer to end and rethrows its failure, if any. Call after the consumer
     * finished successfully, to be sure the whole stream was produced.
     */
    void finish() throws IOException {
      join();
      Throwable t = producerFailure;
      if (t != null) {
        throw t instanceof IOException io
            ? io
            : new IOException("producing the stream failed: " + t, t);
      }
      if (!eof) {
        throw new IOException("the upload ended before the whole stream was read");
      }
    }

    private void join() throws InterruptedIOException {
      try {
        thread.join(JOIN_TIMEOUT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the producer");
      }
    }

    /** Stops the producer (if still running) and waits for it. */
    @Override
    public void close() throws IOException {
      if (!eof) {
        abort();
      }
      join();
    }
  }

  /** The producer's end: fills chunks and queues them. */
  private static final class Writer extends OutputStream {
    private final Reader reader;
    private byte[] buf = new byte[CHUNK];
    private int n;
    private boolean closed;

    Writer(Reader reader) {
      this.reader = reader;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("pipe closed");
      }
      if (reader.aborted) {
        throw new IOException("the upload stopped reading (aborted)");
      }
      while (len > 0) {
        int k = Math.min(len, buf.length - n);
        System.arraycopy(b, off, buf, n, k);
        n += k;
        off += k;
        len -= k;
        if (n == buf.length) {
          reader.put(buf);
          buf = new byte[CHUNK];
          n = 0;
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        if (n > 0) {
          reader.put(Arrays.copyOf(buf, n));
        }
      }
    }
  }
}
