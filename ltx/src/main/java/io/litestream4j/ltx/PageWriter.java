package io.litestream4j.ltx;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writes the pages of a database being restored: ascending, consecutive pages are coalesced into
 * large positional writes from direct buffers (no copy inside the channel). In the overlapped mode
 * a writer thread ({@value #THREAD_NAME}) writes one buffer while the caller decodes into the next,
 * so decoding and writing run at the same time on a multi-core machine. The thread starts only once
 * a second buffer is needed: a small restore is written from the caller's thread.
 *
 * <p>In the overlapped mode the writer also starts the disk writing early ({@link EarlyWriteback}),
 * so the caller's final sync does not begin with the whole file still in memory.
 *
 * <p>Guarantees: after {@link #flush} returns every page passed to {@link #write} is in the file
 * (written, not synced; syncing stays the caller's job) and no early sync is running; the first
 * write or early-sync error is thrown from the next {@code write} or {@code flush}. {@link #close}
 * stops the thread, also after a failure, without waiting for anything but the write in progress.
 * Not thread-safe (one caller).
 */
final class PageWriter implements AutoCloseable {
  static final String THREAD_NAME = "ltx-apply-writer";
  private static final int BUFFER_BYTES = 1 << 20;
  private static final int BUFFERS = 3;

  /** Bytes written between two early syncs of the overlapped mode (see {@link EarlyWriteback}). */
  static final long WRITEBACK_BYTES = 8L << 20;

  /**
   * A filled buffer and the file offset of its first byte; {@code buf == null} stops the thread.
   */
  private record Chunk(ByteBuffer buf, long position) {}

  private final FileChannel db;
  private final int pageSize;
  private final boolean overlapped;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Chunk> pending = new ArrayBlockingQueue<>(BUFFERS + 1);
  private int allocated;
  private ByteBuffer buf;
  private int firstPgno;
  private int nextPgno;
  private Thread writer;
  private volatile Throwable error;
  private final EarlyWriteback writeback; // null unless overlapped

  /**
   * @param overlapped write on a thread of its own once more than one buffer is filled (a restore);
   *     otherwise every write happens on the caller's thread
   */
  PageWriter(FileChannel db, int pageSize, boolean overlapped) {
    this.db = db;
    this.pageSize = pageSize;
    this.overlapped = overlapped;
    this.writeback = overlapped ? new EarlyWriteback(db, WRITEBACK_BYTES) : null;
  }

  void write(int pgno, byte[] page) throws IOException {
    if (buf != null && buf.position() > 0 && (pgno != nextPgno || !buf.hasRemaining())) {
      submit(false);
    }
    if (buf == null) {
      buf = takeBuffer();
    }
    if (buf.position() == 0) {
      firstPgno = pgno;
    }
    buf.put(page, 0, pageSize);
    nextPgno = pgno + 1;
  }

  /** Writes everything passed to {@link #write} so far; returns when it is in the file. */
  void flush() throws IOException {
    if (buf != null && buf.position() > 0) {
      submit(true);
    }
    if (writer != null) {
      // Every buffer back in the free queue: no write is queued or in progress.
      ByteBuffer[] all = new ByteBuffer[allocated - (buf == null ? 0 : 1)];
      for (int i = 0; i < all.length; i++) {
        all[i] = take(free);
      }
      for (ByteBuffer b : all) {
        free.add(b);
      }
    }
    if (writeback != null) {
      writeback.await();
    }
    throwIfFailed();
  }

  @Override
  public void close() throws IOException {
    if (writer == null) {
      return;
    }
    pending.add(new Chunk(null, 0)); // room is reserved: at most BUFFERS chunks are ever queued
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping " + THREAD_NAME);
    } finally {
      writer = null;
      if (writeback != null) {
        writeback.close();
      }
    }
  }

  /** Writes or queues the filled buffer; {@code last}: no more pages follow before the flush. */
  private void submit(boolean last) throws IOException {
    throwIfFailed();
    buf.flip();
    long position = (long) (firstPgno - 1) * pageSize;
    ByteBuffer filled = buf;
    buf = null;
    if (!overlapped || (writer == null && last)) {
      try {
        writeFully(filled, position);
      } finally {
        filled.clear();
        free.add(filled);
      }
      return;
    }
    if (writer == null) {
      writer = Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(this::drain);
    }
    try {
      pending.put(new Chunk(filled, position));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while queueing a write");
    }
  }

  private void drain() {
    while (true) {
      Chunk c;
      try {
        c = pending.take();
      } catch (InterruptedException e) {
        return;
      }
      if (c.buf() == null) {
        return;
      }
      try {
        if (error == null) {
          int bytes = c.buf().remaining();
          writeFully(c.buf(), c.position());
          writeback.written(bytes); // this thread runs only in the overlapped mode
        }
      } catch (IOException | RuntimeException | Error e) {
        error = e;
      } finally {
        c.buf().clear();
        free.add(c.buf());
      }
    }
  }

  private void writeFully(ByteBuffer b, long position) throws IOException {
    long pos = position;
    while (b.hasRemaining()) {
      pos += db.write(b, pos);
    }
  }

  private ByteBuffer takeBuffer() throws IOException {
    ByteBuffer b = free.poll();
    if (b != null) {
      return b;
    }
    if (allocated < (overlapped ? BUFFERS : 1)) {
      allocated++;
      return ByteBuffer.allocateDirect(Math.max(pageSize, BUFFER_BYTES / pageSize * pageSize));
    }
    b = take(free);
    throwIfFailed();
    return b;
  }

  private static ByteBuffer take(BlockingQueue<ByteBuffer> q) throws IOException {
    try {
      return q.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + THREAD_NAME);
    }
  }

  private void throwIfFailed() throws IOException {
    // As it came from the channel: callers tell a full disk by its type and message.
    Throwable e = error;
    if (e != null) {
      throw Rethrow.asIoException(e);
    }
    if (writeback != null) {
      writeback.throwIfFailed();
    }
  }
}
