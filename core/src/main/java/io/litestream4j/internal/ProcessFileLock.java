package io.litestream4j.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An exclusive OS lock ({@code fcntl}) on a lock file, held until {@link #close()}: the kernel
 * releases it when the process dies, so a successor never waits for an expiry.
 *
 * <p>POSIX record locks belong to the process, not to a descriptor: a second lock of the same file
 * from this process would be granted, and closing any descriptor of the file releases every lock
 * the process holds on it. So the files this process holds are remembered, and a second attempt on
 * one of them is refused before a descriptor is opened — it never opens and closes a descriptor
 * that would drop the first holder's lock.
 */
public final class ProcessFileLock implements AutoCloseable {
  /**
   * File keys (device and inode) of the lock files this process holds. Process-wide on purpose: the
   * locks it mirrors are. Guarded by its own monitor, which also serialises acquisitions.
   */
  private static final Set<Object> HELD = new HashSet<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Object key;
  private boolean closed;

  private ProcessFileLock(Path file, FileChannel channel, FileLock lock, Object key) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.key = key;
  }

  /** Where this process stands with a lock file. */
  public enum Refusal {
    /** Another object of this process holds it. */
    THIS_PROCESS,
    /** Another process holds it. */
    OTHER_PROCESS
  }

  /** The outcome of {@link #tryAcquire}: the lock, or why not. */
  public record Attempt(Optional<ProcessFileLock> lock, Optional<Refusal> refusal) {
    static Attempt held(ProcessFileLock l) {
      return new Attempt(Optional.of(l), Optional.empty());
    }

    static Attempt refused(Refusal r) {
      return new Attempt(Optional.empty(), Optional.of(r));
    }
  }

  /**
   * Creates {@code file} if needed and locks it without waiting.
   *
   * @throws IOException when the file cannot be created or opened
   */
  public static Attempt tryAcquire(Path file) throws IOException {
    synchronized (HELD) {
      Object before = keyOf(file);
      if (before != null && HELD.contains(before)) {
        return Attempt.refused(Refusal.THIS_PROCESS);
      }
      FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
      Object key = keyOf(file);
      if (key == null || HELD.contains(key)) {
        // Replaced between the two looks by a file this process holds: keep the descriptor, since
        // closing it would release that lock. (Only a concurrent rename can get here.)
        return Attempt.refused(Refusal.THIS_PROCESS);
      }
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      if (l == null) {
        ch.close(); // this process holds no lock on it: nothing to lose
        return Attempt.refused(Refusal.OTHER_PROCESS);
      }
      HELD.add(key);
      return Attempt.held(new ProcessFileLock(file, ch, l, key));
    }
  }

  /** The locked file's descriptor, for writing who holds it. */
  public FileChannel channel() {
    return channel;
  }

  /** The locked file's key (device and inode), to tell whether the path still names it. */
  public Object fileKey() {
    return key;
  }

  public Path file() {
    return file;
  }

  /** Releases the lock; the file stays. Idempotent. */
  @Override
  public void close() throws IOException {
    synchronized (HELD) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        lock.release();
      } finally {
        channel.close();
        HELD.remove(key);
      }
    }
  }

  private static @Nullable Object keyOf(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
