package io.litestream4j.replica.file;

import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.internal.FileModes;
import io.litestream4j.internal.LimitedInputStream;
import io.litestream4j.internal.TempFiles;
import io.litestream4j.internal.UploadCopy;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.LeaseableClient;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.LtxHeaderPeek;
import io.litestream4j.replica.LtxListing;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.restore.v3.V3ReplicaClient;
import io.litestream4j.restore.v3.V3Snapshot;
import io.litestream4j.restore.v3.V3WalSegment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica in a local (or mounted) directory, laid out exactly as Litestream's file backend:
 * {@code <root>/ltx/<level in decimal>/<min>-<max>.ltx}.
 *
 * <p>Guarantees: a file is written to a temporary file in its level directory (name ending {@code
 * .tmp}), flushed to disk with its modification time set to the LTX header timestamp, renamed
 * atomically into place and its directory flushed, so after a crash a file is either complete or
 * absent. This is {@link AtomicFiles}' protocol with its rename and directory flush, but not its
 * {@code write}: the temporary file is created exclusively under a random name ({@link TempFiles}),
 * the modification time is set before the rename, created directories are flushed too, and each
 * step's failure is explained in replica terms. Listings skip temporary files and anything else
 * that is not an LTX file name. The creation time reported by listings is the file's modification
 * time. Files get the database's permissions ({@link #withModeOf}); temporary files left by a crash
 * are removed by {@link #deleteStaleTemporaryFiles}.
 *
 * <p>A replicator takes the replica's lease ({@link FileLease}, on unless {@code lease: false}), so
 * a second replicator on the same replica — a rolling deploy overlap — is refused instead of
 * interleaving its files with the first one's. Safe for concurrent use.
 */
public final class FileReplicaClient implements ReplicaClient, LeaseableClient, V3ReplicaClient {

  public static final String TYPE = "file";
  private static final Logger LOG = LoggerFactory.getLogger(FileReplicaClient.class);

  private static final int COPY_BUFFER = 64 * 1024;

  private final Path root;
  private final boolean leaseEnabled;
  private final Optional<Path> modeSource;

  /** Temporary files this client is writing right now: never "stale", whatever their age. */
  private final Set<Path> writing = ConcurrentHashMap.newKeySet();

  private volatile @Nullable FileLease lease;

  /**
   * A client for the replica rooted at {@code root}, which must be absolute, with leasing on.
   * Nothing is created until the first write.
   */
  public FileReplicaClient(Path root) {
    this(root, true, Optional.empty());
  }

  private FileReplicaClient(Path root, boolean leaseEnabled, Optional<Path> modeSource) {
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException("file replica path must be absolute, got " + root);
    }
    this.root = root.normalize();
    this.leaseEnabled = leaseEnabled;
    this.modeSource = modeSource;
  }

  /** This client with leasing on or off ({@code lease: false}). */
  public FileReplicaClient withLease(boolean enabled) {
    return new FileReplicaClient(root, enabled, modeSource);
  }

  /**
   * This client creating every file with the permissions {@code database} has at that moment (as
   * Litestream does), so a database readable only by its owner stays so on the replica.
   */
  public FileReplicaClient withModeOf(Path database) {
    return new FileReplicaClient(root, leaseEnabled, Optional.of(database));
  }

  /**
   * Takes the replica's lease ({@code <root>/lock.json}, an OS lock held while this process runs);
   * from then on this client writes only while it holds the lease. {@link ReplicaLease#none()} when
   * leasing is off.
   */
  @Override
  public synchronized ReplicaLease acquireLease(Consumer<? super LeaseLostException> onLost)
      throws IOException {
    if (!leaseEnabled) {
      return ReplicaLease.none();
    }
    if (lease != null && lease.held()) {
      throw new IllegalStateException("this client already holds the lease of " + root);
    }
    lease = FileLease.acquire(root, onLost);
    return lease;
  }

  private void checkLease(String action) throws IOException {
    FileLease current = lease;
    if (current != null) {
      current.check(action);
    }
  }

  /** The replica's root directory. */
  public Path root() {
    return root;
  }

  /** The directory holding the files of {@code level}. */
  public Path levelDir(int level) {
    LtxFileInfo.checkLevel(level);
    return root.resolve("ltx").resolve(Integer.toString(level));
  }

  /** Where the file {@code level/minTxid-maxTxid} is stored. */
  public Path ltxFilePath(int level, long minTxid, long maxTxid) {
    Path dir = levelDir(level);
    LtxFileInfo.checkTxids(minTxid, maxTxid);
    return dir.resolve(LtxFileName.format(minTxid, maxTxid));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void init() throws IOException {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new IOException(
          "cannot use file replica "
              + root
              + ": it exists but is not a directory; remove it or choose another replica path");
    }
  }

  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    Path dir = levelDir(level);
    var files = new LtxListing(level, seekTxid);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        var name = files.match(entry.getFileName().toString());
        if (name.isEmpty()) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (NoSuchFileException deletedMeanwhile) {
          continue;
        }
        if (attrs.isRegularFile()) {
          files.add(name.get(), attrs.size(), attrs.lastModifiedTime().toInstant());
        }
      }
    } catch (NoSuchFileException e) {
      // The level did not exist when it was opened: it was empty then. (A writer may have created
      // it
      // since; a listing is not a snapshot, and the next one sees what was published meanwhile.)
      return List.of();
    } catch (IOException e) {
      throw FileErrors.explain("list replica directory", dir, e);
    }
    return files.sorted();
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    LtxFileInfo.checkRange(offset, length);
    Path file = ltxFilePath(level, minTxid, maxTxid);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new LtxFileNotFoundException(
          file.toString(), level, minTxid, maxTxid, "no such LTX file on the file replica");
    } catch (IOException e) {
      throw FileErrors.explain("read replica file", file, e);
    }
    try {
      channel.position(offset);
    } catch (IOException e) {
      channel.close();
      throw FileErrors.explain("read replica file", file, e);
    }
    InputStream in = Channels.newInputStream(channel);
    return length > 0 ? new LimitedInputStream(in, length) : in;
  }

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    Path target = ltxFilePath(level, minTxid, maxTxid);
    LtxHeaderPeek peek = LtxHeaderPeek.read(data, level, minTxid, maxTxid);
    Path dir = target.getParent();
    createDirectories(dir);
    checkLease("write " + target);
    TempFiles.Temp created = createTempFile(target);
    Path temp = created.path();
    writing.add(temp);
    boolean renamed = false;
    try {
      long size;
      try (FileChannel out = created.channel()) {
        size = UploadCopy.copy(peek.stream(), Channels.newOutputStream(out), COPY_BUFFER);
        Files.setLastModifiedTime(temp, FileTime.from(peek.timestamp()));
        out.force(true);
      } catch (UploadCopy.SourceFailure e) {
        throw e.getCause();
      } catch (IOException e) {
        throw FileErrors.explain("write replica file", temp, e);
      }
      checkLease("write " + target);
      try {
        AtomicFiles.move(temp, target);
        renamed = true;
        AtomicFiles.fsyncDirectory(dir);
      } catch (IOException e) {
        throw FileErrors.explain("move replica file into place at", target, e);
      }
      return new LtxFileInfo(level, minTxid, maxTxid, size, peek.timestamp());
    } finally {
      writing.remove(temp);
      if (!renamed) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The temporary file is never listed; the original error matters more.
        }
      }
    }
  }

  /**
   * Deletes temporary files of this client's naming pattern ({@code <name>.ltx.<16 hex>.tmp}) in
   * the level directories that were last modified before {@code olderThan}: uploads interrupted by
   * a crash or {@code kill -9}. Files being written by this client are never touched, nor is
   * anything not matching the pattern.
   *
   * @return the files deleted
   */
  @Override
  public List<Path> deleteStaleTemporaryFiles(Instant olderThan) throws IOException {
    List<Path> deleted = new ArrayList<>();
    for (int level = LtxFileInfo.L0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      Path dir = levelDir(level);
      if (!Files.isDirectory(dir)) {
        // Level not written yet. Checked first because this runs for every idle database every
        // retention check: a NoSuchFileException (with its stack trace) and a compiled glob per
        // level were most of what 1000 idle databases allocated.
        continue;
      }
      try (DirectoryStream<Path> entries =
          Files.newDirectoryStream(dir, p -> p.getFileName().toString().endsWith(".tmp"))) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          if (!TempFiles.isOurs(name)
              || LtxFileName.parse(name.substring(0, name.length() - 21)).isEmpty()
              || writing.contains(entry)) {
            continue;
          }
          BasicFileAttributes attrs;
          try {
            attrs =
                Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          } catch (NoSuchFileException gone) {
            continue;
          }
          if (attrs.isRegularFile()
              && attrs.lastModifiedTime().toInstant().isBefore(olderThan)
              && Files.deleteIfExists(entry)) {
            deleted.add(entry);
          }
        }
      } catch (NoSuchFileException | NotDirectoryException e) {
        // level not written yet
      } catch (IOException e) {
        throw FileErrors.explain("delete stale temporary files in", dir, e);
      }
    }
    if (!deleted.isEmpty()) {
      LOG.info(
          "deleted {} stale temporary file(s) of interrupted uploads from {}: {}",
          deleted.size(),
          root,
          deleted.stream().map(p -> root.relativize(p).toString()).toList());
    }
    return deleted;
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    checkLease("delete files from " + root);
    IOException failure = null;
    for (LtxFileInfo info : files) {
      Path file = ltxFilePath(info.level(), info.minTxid(), info.maxTxid());
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        IOException explained = FileErrors.explain("delete replica file", file, e);
        if (failure == null) {
          failure = explained;
        } else {
          failure.addSuppressed(explained);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void deleteAll() throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    checkLease("delete everything in " + root);
    FileLease ours = lease;
    Path lockFile = root.resolve(FileLease.FILE_NAME);
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (!(ours != null && ours.held() && file.equals(lockFile))) {
                delete(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException e)
                throws IOException {
              if (e != null) {
                throw e;
              }
              if (!(ours != null && ours.held() && dir.equals(root))) {
                delete(dir);
              }
              return FileVisitResult.CONTINUE;
            }

            private void delete(Path path) throws IOException {
              try {
                Files.deleteIfExists(path);
              } catch (IOException e) {
                throw FileErrors.explain("delete", path, e);
              }
            }
          });
    } catch (NoSuchFileException e) {
      // Deleted concurrently: the goal is reached.
    }
  }

  /** Releases the lease, if this client holds one; files are opened and closed per operation. */
  @Override
  public void close() throws IOException {
    FileLease current = lease;
    if (current != null) {
      current.close();
    }
  }

  @Override
  public List<String> v3Generations() throws IOException {
    return new FileV3Backups(root).generations();
  }

  @Override
  public List<V3Snapshot> v3Snapshots(String generation) throws IOException {
    return new FileV3Backups(root).snapshots(generation);
  }

  @Override
  public List<V3WalSegment> v3WalSegments(String generation) throws IOException {
    return new FileV3Backups(root).walSegments(generation);
  }

  @Override
  public InputStream openV3Snapshot(V3Snapshot snapshot) throws IOException {
    return new FileV3Backups(root).openSnapshot(snapshot);
  }

  @Override
  public InputStream openV3WalSegment(V3WalSegment segment) throws IOException {
    return new FileV3Backups(root).openWalSegment(segment);
  }

  @Override
  public String toString() {
    return "file replica at " + root;
  }

  private static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    try {
      Files.createDirectories(dir);
      for (Path created = dir;
          created != null && !created.equals(existing);
          created = created.getParent()) {
        AtomicFiles.fsyncDirectory(created.getParent());
      }
    } catch (IOException e) {
      throw FileErrors.explain("create replica directory", dir, e);
    }
  }

  private TempFiles.Temp createTempFile(Path target) throws IOException {
    try {
      Optional<Set<PosixFilePermission>> mode =
          modeSource.isPresent() ? FileModes.of(modeSource.get()) : Optional.empty();
      return TempFiles.createBeside(target, mode);
    } catch (IOException e) {
      throw FileErrors.explain("create replica file in", target.getParent(), e);
    }
  }
}
