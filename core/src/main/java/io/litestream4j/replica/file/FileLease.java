package io.litestream4j.replica.file;

import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.internal.ProcessFileLock;
import io.litestream4j.replica.LeaseHeldException;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.ReplicaLease;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease of a file replica: an exclusive OS lock ({@code fcntl}) on {@code <replica>/lock.json},
 * which also names the holder ({@code host:pid}) for the message a second replicator gets.
 *
 * <p>Why an OS lock rather than the S3 backend's expiring lease object: the kernel releases it the
 * moment the holder dies (even by {@code kill -9}), so a restarted replicator never waits for an
 * expiry, and two live replicators on one host (a rolling deploy overlap) can never both hold it.
 *
 * <p>Guarantees: while held, no other process can take it. If the lock file disappears (the replica
 * directory was wiped), {@link #check} takes the lock again on a new file; if another replicator
 * got there first, the lease is lost: {@code onLost} is told once and every later write through the
 * client is refused. Closing releases the lock (the file stays, unlocked).
 */
final class FileLease implements ReplicaLease {
  private static final Logger LOG = LoggerFactory.getLogger(FileLease.class);
  static final String FILE_NAME = "lock.json";

  private final Path file;
  private final String owner;
  private final Consumer<? super LeaseLostException> onLost;
  private final Instant acquiredAt;
  private @Nullable ProcessFileLock held;
  private @Nullable Object fileKey;
  private boolean lost;
  private boolean closed;

  private FileLease(Path file, String owner, Consumer<? super LeaseLostException> onLost) {
    this.file = file;
    this.owner = owner;
    this.onLost = Objects.requireNonNull(onLost, "onLost");
    this.acquiredAt = Instant.now();
  }

  /**
   * Takes the lease of the replica rooted at {@code root}.
   *
   * @throws LeaseHeldException if another replicator (in this or another process) holds it
   */
  static FileLease acquire(Path root, Consumer<? super LeaseLostException> onLost)
      throws IOException {
    FileLease lease = new FileLease(root.resolve(FILE_NAME), currentOwner(), onLost);
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw FileErrors.explain("create replica directory", root, e);
    }
    if (!lease.tryLock()) {
      throw LeaseHeldException.untilReleased(root.toString(), lease.holder());
    }
    LOG.info("acquired lease {} as {}", lease.file, lease.owner);
    return lease;
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public Instant expiresAt() {
    return Instant.MAX;
  }

  @Override
  public synchronized boolean held() {
    return !closed && !lost;
  }

  /**
   * Verifies, before a write, that the lease is still held: re-takes it when the lock file was
   * deleted under it, and fails when that is no longer possible.
   *
   * @throws LeaseLostException if the lease was lost or closed
   * @throws IOException if the lease file cannot be re-created (the write is retried later)
   */
  synchronized void check(String action) throws IOException {
    if (closed) {
      throw new LeaseLostException(
          "cannot " + action + ": the lease of " + file.getParent() + " was released");
    }
    if (lost) {
      throw lostException(action);
    }
    if (Objects.equals(currentKey(), fileKey)) {
      return;
    }
    LOG.error(
        "the lease file {} was deleted or replaced under this replicator (was the replica wiped?);"
            + " taking the lease again",
        file);
    releaseQuietly();
    boolean again;
    try {
      Files.createDirectories(file.getParent());
      again = tryLock();
    } catch (IOException e) {
      // Not another replicator: the replica cannot be written right now; the write is retried.
      throw new IOException(
          "cannot " + action + ": cannot re-create the lease file " + file + ": " + e.getMessage(),
          e);
    }
    if (!again) {
      lost = true;
      LeaseLostException e = lostException(action);
      LOG.error("{}", e.getMessage());
      onLost.accept(e);
      throw e;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    releaseQuietly();
  }

  private LeaseLostException lostException(String action) {
    return new LeaseLostException(
        "cannot "
            + action
            + ": this replicator ("
            + owner
            + ") lost the lease of "
            + file.getParent()
            + " to "
            + holder()
            + "; another replicator is writing to the replica, so this one stops");
  }

  private boolean tryLock() throws IOException {
    ProcessFileLock.Attempt attempt;
    try {
      attempt = ProcessFileLock.tryAcquire(file);
    } catch (IOException e) {
      throw FileErrors.explain("open the lease file", file, e);
    }
    if (attempt.lock().isEmpty()) {
      return false;
    }
    ProcessFileLock l = attempt.lock().get();
    byte[] record =
        ("{\"owner\":\"" + owner + "\",\"acquired\":\"" + acquiredAt + "\"}\n")
            .getBytes(StandardCharsets.UTF_8);
    try {
      FileChannel ch = l.channel();
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(record), 0);
      ch.force(true);
      AtomicFiles.fsyncDirectory(file.getParent());
    } catch (IOException e) {
      l.close();
      throw e;
    }
    held = l;
    fileKey = l.fileKey();
    return true;
  }

  /** Who holds the lock file, as it recorded itself. */
  private String holder() {
    try {
      String json = Files.readString(file);
      int i = json.indexOf("\"owner\":\"");
      if (i >= 0) {
        int end = json.indexOf('"', i + 9);
        if (end > i + 9) {
          return json.substring(i + 9, end) + " (since " + acquiredAt(json) + ")";
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return "another replicator";
  }

  private static String acquiredAt(String json) {
    int i = json.indexOf("\"acquired\":\"");
    int end = i < 0 ? -1 : json.indexOf('"', i + 12);
    return end > 0 ? json.substring(i + 12, end) : "an unknown time";
  }

  private @Nullable Object currentKey() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return fileKey; // cannot tell; do not re-take on a transient error
    }
  }

  private void releaseQuietly() {
    ProcessFileLock l = held;
    held = null;
    if (l != null) {
      try {
        l.close();
      } catch (IOException e) {
        LOG.debug("releasing {}", file, e);
      }
    }
  }

  static String currentOwner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + ":" + ProcessHandle.current().pid();
  }
}
