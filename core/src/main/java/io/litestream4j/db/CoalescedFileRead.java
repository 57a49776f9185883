package io.litestream4j.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Reads of a file that the kernel generates on every read ({@code /proc/locks}) shared by
 * concurrent callers: a caller gets the lines of a read that began after its own call did, so its
 * answer is as fresh as reading the file itself, but callers that arrive while a read is under way
 * share the next one. A process closing a thousand databases at once asks for {@code /proc/locks} a
 * thousand times, and the kernel formats every lock of the machine for each read (thousands of
 * lines with many databases open): unshared, that was most of the CPU of the shutdown. Thread-safe.
 */
final class CoalescedFileRead {
  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition finished = lock.newCondition();
  private long started;
  private long completed;
  private boolean reading;
  private @Nullable List<String> lines;
  private @Nullable IOException failure;

  CoalescedFileRead(Path file) {
    this.file = file;
  }

  /** The file's lines, read after this call began. */
  List<String> readLines() throws IOException {
    lock.lock();
    try {
      long needed = started + 1; // a read in progress began before this call
      while (completed < needed) {
        if (reading) {
          finished.awaitUninterruptibly();
          continue;
        }
        reading = true;
        long number = ++started;
        List<String> read = null;
        IOException error = null;
        lock.unlock();
        try {
          read = Files.readAllLines(file);
        } catch (IOException e) {
          error = e;
        } catch (UncheckedIOException e) {
          error = e.getCause();
        } finally {
          lock.lock();
          reading = false;
          completed = number;
          lines = read;
          failure = error;
          finished.signalAll();
        }
      }
      if (failure != null) {
        throw failure;
      }
      return lines;
    } finally {
      lock.unlock();
    }
  }
}
