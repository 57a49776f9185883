package io.litestream4j.bench;

import io.litestream4j.internal.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything a run must undo: child processes and temporary directories. Closed in reverse order of
 * registration, once, both at the normal end of a run and from the JVM shutdown hook (Ctrl+C), so a
 * benchmark never leaves a replicator running or gigabytes of scratch data behind.
 */
final class Cleanup implements AutoCloseable {
  private final Deque<AutoCloseable> actions = new ArrayDeque<>();
  private boolean closed;

  /** Registers {@code resource} and returns it. */
  synchronized <T extends AutoCloseable> T track(T resource) {
    if (closed) {
      throw new IllegalStateException("cleanup already ran; the run is shutting down");
    }
    actions.push(resource);
    return resource;
  }

  /** Creates a directory that is deleted with everything in it when the run ends. */
  synchronized Path tempDir(Path parent, String prefix) throws IOException {
    Files.createDirectories(parent);
    Path dir = Files.createTempDirectory(parent, prefix);
    track(() -> deleteTree(dir));
    return dir;
  }

  /** Forgets a resource closed early by its owner. */
  synchronized void untrack(AutoCloseable resource) {
    actions.remove(resource);
  }

  @Override
  public void close() {
    while (true) {
      AutoCloseable next;
      synchronized (this) {
        closed = true;
        next = actions.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.close();
      } catch (Exception e) {
        System.err.println("bench: cleanup step failed: " + e);
      }
    }
  }

  static void deleteTree(Path root) {
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + "; remove it by hand", e);
    }
  }
}
