package io.litestream4j.replica.file;

import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.LtxHeaderPeek;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.restore.v3.V3ReplicaClient;
import io.litestream4j.restore.v3.V3Snapshot;
import io.litestream4j.restore.v3.V3WalSegment;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A replica in a local (or mounted) directory, laid out exactly as Litestream's file backend:
 * {@code <root>/ltx/<level in decimal>/<min>-<max>.ltx}.
 *
 * <p>Guarantees: a file is written to a temporary file in its level directory (name ending
 * {@code .tmp}), flushed to disk with its modification time set to the LTX header timestamp, renamed
 * atomically into place and its directory flushed, so after a crash a file is either complete or
 * absent. This is {@link AtomicFiles}' protocol with its rename and directory flush, but not its
 * {@code write}: the temporary name is random (concurrent writers of one file never share it), the
 * modification time is set before the rename, created directories are flushed too, and each step's
 * failure is explained in replica terms. Listings skip temporary files and anything else that is
 * not an LTX file name. The creation time reported by listings is the file's modification time.
 * Stateless, so safe for concurrent use.
 */
public final class FileReplicaClient implements ReplicaClient, V3ReplicaClient {

  public static final String TYPE = "file";

  private static final int COPY_BUFFER = 64 * 1024;
  private static final Comparator<LtxFileInfo> BY_TXID =
      Comparator.comparingLong(LtxFileInfo::minTxid).thenComparingLong(LtxFileInfo::maxTxid);

  private final Path root;

  /**
   * A client for the replica rooted at {@code root}, which must be absolute. Nothing is created
   * until the first write.
   */
  public FileReplicaClient(Path root) {
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException("file replica path must be absolute, got " + root);
    }
    this.root = root.normalize();
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
      throw new IOException("cannot use file replica " + root
          + ": it exists but is not a directory; remove it or choose another replica path");
    }
  }

  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    Path dir = levelDir(level);
    var files = new ArrayList<LtxFileInfo>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        var name = LtxFileName.parse(entry.getFileName().toString());
        if (name.isEmpty() || name.get().minTxid() < seekTxid) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (NoSuchFileException deletedMeanwhile) {
          continue;
        }
        if (attrs.isRegularFile()) {
          files.add(new LtxFileInfo(level, name.get().minTxid(), name.get().maxTxid(), attrs.size(),
              attrs.lastModifiedTime().toInstant()));
        }
      }
    } catch (NoSuchFileException e) {
      if (Files.isDirectory(dir)) {
        throw FileErrors.explain("list replica directory", dir, e);
      }
      return List.of(); // level not written yet
    } catch (IOException e) {
      throw FileErrors.explain("list replica directory", dir, e);
    }
    files.sort(BY_TXID);
    return files;
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "offset and length must be >= 0, got offset=%d length=%d".formatted(offset, length));
    }
    Path file = ltxFilePath(level, minTxid, maxTxid);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new LtxFileNotFoundException(file.toString(), level, minTxid, maxTxid,
          "no such LTX file on the file replica");
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
    Path temp = createTempFile(target);
    boolean renamed = false;
    try {
      long size;
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        size = copy(peek.stream(), out, temp);
        Files.setLastModifiedTime(temp, FileTime.from(peek.timestamp()));
        out.force(true);
      } catch (UploadSourceException e) {
        throw e.getCause();
      } catch (IOException e) {
        throw FileErrors.explain("write replica file", temp, e);
      }
      try {
        AtomicFiles.move(temp, target);
        renamed = true;
        AtomicFiles.fsyncDirectory(dir);
      } catch (IOException e) {
        throw FileErrors.explain("move replica file into place at", target, e);
      }
      return new LtxFileInfo(level, minTxid, maxTxid, size, peek.timestamp());
    } finally {
      if (!renamed) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The temporary file is never listed; the original error matters more.
        }
      }
    }
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
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
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          if (e != null) {
            throw e;
          }
          delete(dir);
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

  @Override
  public void close() {
    // Nothing to release: every operation opens and closes its own files.
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
      for (Path created = dir; created != null && !created.equals(existing); created = created.getParent()) {
        AtomicFiles.fsyncDirectory(created.getParent());
      }
    } catch (IOException e) {
      throw FileErrors.explain("create replica directory", dir, e);
    }
  }

  private static Path createTempFile(Path target) throws IOException {
    HexFormat hex = HexFormat.of();
    while (true) {
      String suffix = hex.toHexDigits(ThreadLocalRandom.current().nextLong());
      Path temp = target.resolveSibling(target.getFileName() + "." + suffix + ".tmp");
      try {
        Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return temp;
      } catch (FileAlreadyExistsException collision) {
        // Try another random name.
      } catch (IOException e) {
        throw FileErrors.explain("create replica file in", target.getParent(), e);
      }
    }
  }

  /** Copies the upload, telling errors of the source (not our problem to explain) from ours. */
  private static long copy(InputStream in, FileChannel out, Path temp) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    long total = 0;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        throw new UploadSourceException(e);
      }
      if (n < 0) {
        return total;
      }
      ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
      while (chunk.hasRemaining()) {
        out.write(chunk);
      }
      total += n;
    }
  }

  /** Marks a failure to read the data being uploaded, so it is rethrown unchanged. */
  private static final class UploadSourceException extends IOException {
    private static final long serialVersionUID = 1L;

    UploadSourceException(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  /** Ends the stream after {@code remaining} bytes: a ranged read. */
  private static final class LimitedInputStream extends FilterInputStream {
    private long remaining;

    LimitedInputStream(InputStream in, long limit) {
      super(in);
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return len == 0 ? 0 : -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, remaining));
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
