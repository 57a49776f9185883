package io.litestream4j.ltx;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads and decompresses the remaining page frames of one LTX file on a thread of its own ({@value
 * #THREAD_NAME}), in batches, while the decoder's caller hashes and uses the frames read before.
 * Exists because a large restore is CPU-bound, mostly by the CRC-64 of every page: the thread also
 * computes the raw CRC ({@link Crc64#raw}) of a page whenever the caller has batches waiting (it is
 * ahead), and leaves it to the caller otherwise, so the CRC work splits itself between two cores.
 * The CRC is a function of the page's bytes alone; the caller still chains every page into the file
 * checksum and the page checksums in file order.
 *
 * <p>Guarantees: frames are handed over in file order, exactly as {@link FrameReader} read them; a
 * failure is handed over after the frames read before it and ends the thread, so the consumer sees
 * the same frames and the same error as if it had read them itself. Once {@link #next()} has
 * returned false or thrown, the thread has ended and the input belongs to the consumer again. At
 * most {@value #BATCHES} batches of about {@value #BATCH_BYTES} bytes of pages exist. One consumer.
 */
final class FrameReadAhead {
  static final String THREAD_NAME = "ltx-read-ahead";
  private static final int BATCH_BYTES = 256 << 10;
  private static final int BATCHES = 3;

  /** Consecutive frames; after them, possibly the end of the frames or a failure. */
  private static final class Batch {
    final byte[][] pages;
    final byte[] headers;
    final int[] pgnos;
    final int[] headerLengths;
    final long[] offsets;
    final long[] lengths;
    final long[] raws;
    final boolean[] hasRaw;
    int count;
    boolean end;
    long endOffset;
    Throwable error;

    Batch(int capacity, int pageSize) {
      pages = new byte[capacity][pageSize];
      headers = new byte[capacity * FrameReader.MAX_HEADER];
      pgnos = new int[capacity];
      headerLengths = new int[capacity];
      offsets = new long[capacity];
      lengths = new long[capacity];
      raws = new long[capacity];
      hasRaw = new boolean[capacity];
    }
  }

  private final FrameReader frames;
  private final int pageSize;
  private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
  private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES);
  private final Thread thread;
  private Batch current;
  private int index;

  private FrameReadAhead(FrameReader frames, int pageSize) {
    this.frames = frames;
    this.pageSize = pageSize;
    int capacity = Math.max(1, BATCH_BYTES / pageSize);
    for (int i = 0; i < BATCHES; i++) {
      free.add(new Batch(capacity, pageSize));
    }
    this.thread = Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::run);
  }

  /** Starts reading the frames that follow the ones {@code frames} has read so far. */
  static FrameReadAhead start(FrameReader frames, int pageSize) {
    FrameReadAhead ahead = new FrameReadAhead(frames, pageSize);
    ahead.thread.start();
    return ahead;
  }

  /**
   * Moves to the next frame.
   *
   * @return false at the end of the frames ({@link #endOffset()} says where they end)
   * @throws IOException what reading the frame failed with (a {@link RuntimeException} or {@link
   *     Error} is rethrown as it is)
   */
  boolean next() throws IOException {
    while (true) {
      if (current != null) {
        if (++index < current.count) {
          return true;
        }
        if (current.error != null) {
          throw Rethrow.asIoException(current.error);
        }
        if (current.end) {
          return false;
        }
        free.add(current);
      }
      try {
        current = full.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for " + THREAD_NAME);
      }
      index = -1;
    }
  }

  int pgno() {
    return current.pgnos[index];
  }

  /** The page of the current frame (the array is reused once {@link #next()} moves on). */
  byte[] page() {
    return current.pages[index];
  }

  byte[] headers() {
    return current.headers;
  }

  int headerOffset() {
    return index * FrameReader.MAX_HEADER;
  }

  int headerLength() {
    return current.headerLengths[index];
  }

  long frameOffset() {
    return current.offsets[index];
  }

  long frameLength() {
    return current.lengths[index];
  }

  /** True if this thread computed the page's raw CRC ({@link #raw()}). */
  boolean hasRaw() {
    return current.hasRaw[index];
  }

  /** {@link Crc64#raw} of the current page; valid if {@link #hasRaw()}. */
  long raw() {
    return current.raws[index];
  }

  /** Where the frames end; valid once {@link #next()} returned false. */
  long endOffset() {
    return current.endOffset;
  }

  /** Asks the thread to stop; it ends at its next batch, or at once if it is waiting. */
  void stop() {
    thread.interrupt();
  }

  /** Waits for the thread to end (after {@link #stop()} or once the frames were all read). */
  void join() throws InterruptedIOException {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping " + THREAD_NAME);
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      Batch b;
      try {
        b = free.take();
      } catch (InterruptedException e) {
        return;
      }
      b.count = 0;
      b.end = false;
      b.error = null;
      try {
        while (b.count < b.pgnos.length && readFrame(b)) {
          b.count++;
        }
      } catch (IOException | RuntimeException | Error e) {
        b.error = e;
      }
      full.add(b); // never blocks: there are only BATCHES batches
      if (b.end || b.error != null) {
        return;
      }
    }
  }

  /**
   * Reads the next frame into slot {@code b.count}; false at the end of the frames. A method of its
   * own for the JIT: see {@code LtxApplier.applyNextPage}.
   */
  private boolean readFrame(Batch b) throws IOException {
    int i = b.count;
    int pgno = frames.read(b.pages[i], b.headers, i * FrameReader.MAX_HEADER);
    if (pgno == 0) {
      b.end = true;
      b.endOffset = frames.frameOffset();
      return false;
    }
    b.pgnos[i] = pgno;
    b.headerLengths[i] = frames.headerLength();
    b.offsets[i] = frames.frameOffset();
    b.lengths[i] = frames.frameLength();
    b.hasRaw[i] = !full.isEmpty();
    if (b.hasRaw[i]) {
      b.raws[i] = Crc64.raw(b.pages[i], 0, pageSize);
    }
    return true;
  }
}
