package io.litestream4j.ltx;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;

/**
 * Keeps the disk busy while a restore is still writing. Linux starts writing a file's dirty pages
 * on its own only once dirty memory passes {@code vm.dirty_background_ratio} (gigabytes on a large
 * machine), so without help the whole restored database waits for the caller's final sync, after
 * the last page was decoded. Here, every time another {@code everyBytes} have been written, a
 * thread of its own ({@value #THREAD_NAME}) syncs the file's data: the device writes the start of
 * the database while the rest is still being decoded, and the final sync finds little left.
 *
 * <p>Guarantees: a failed sync is never swallowed. It is kept and thrown by {@link #await} and
 * {@link #throwIfFailed}; this matters because Linux reports a writeback error once per open file,
 * so a later sync of the same channel could succeed although pages were lost. {@link #await}
 * returns once no sync is running or requested. {@link #close} never interrupts a running sync (an
 * interrupt closes a {@link FileChannel}); it waits for it and skips any that is only requested.
 * The early syncs add no guarantee of their own: durability is still the caller's final sync.
 */
final class EarlyWriteback implements AutoCloseable {
  static final String THREAD_NAME = "ltx-writeback";

  private final FileChannel file;
  private final long everyBytes;
  private final Object lock = new Object();

  // All guarded by lock.
  private long unsynced;
  private boolean requested;
  private boolean running;
  private boolean closed;
  private Throwable error;
  private Thread thread;

  EarlyWriteback(FileChannel file, long everyBytes) {
    if (everyBytes <= 0) {
      throw new IllegalArgumentException("everyBytes must be positive, got " + everyBytes);
    }
    this.file = file;
    this.everyBytes = everyBytes;
  }

  /** Counts {@code bytes} just written; requests a sync once {@code everyBytes} have gathered. */
  void written(long bytes) {
    synchronized (lock) {
      unsynced += bytes;
      if (unsynced < everyBytes || closed || error != null) {
        return;
      }
      unsynced = 0;
      requested = true;
      if (thread == null) {
        thread = Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(this::run);
      }
      lock.notifyAll();
    }
  }

  /** Returns once no sync is running or requested; throws the first sync failure. */
  void await() throws IOException {
    synchronized (lock) {
      while ((requested || running) && !closed) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for " + THREAD_NAME);
        }
      }
    }
    throwIfFailed();
  }

  /** Throws the first sync failure, if there was one; never waits. */
  void throwIfFailed() throws IOException {
    Throwable e;
    synchronized (lock) {
      e = error;
    }
    if (e != null) {
      throw Rethrow.asIoException(e);
    }
  }

  @Override
  public void close() throws IOException {
    Thread t;
    synchronized (lock) {
      closed = true;
      t = thread;
      lock.notifyAll();
    }
    if (t == null) {
      return;
    }
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping " + THREAD_NAME);
    }
  }

  private void run() {
    while (true) {
      synchronized (lock) {
        while (!requested && !closed) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          lock.notifyAll();
          return;
        }
        requested = false;
        running = true;
      }
      Throwable failure = null;
      try {
        file.force(false);
      } catch (IOException | RuntimeException | Error e) {
        failure = e;
      } finally {
        synchronized (lock) {
          running = false;
          if (failure != null && error == null) {
            error = failure;
            requested = false;
          }
          lock.notifyAll();
        }
      }
    }
  }
}
