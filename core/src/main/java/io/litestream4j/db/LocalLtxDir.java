package io.litestream4j.db;

import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.internal.FileModes;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The replicator's local state directory for one database: {@code <meta>/ltx/0/<min>-<max>.ltx},
 * Litestream's layout. Every L0 file lands here before it is uploaded, so the replica loop can
 * retry uploads without re-reading the WAL, and a restart can find where replication stopped.
 *
 * <p>Files appear atomically (temp file, fsync, rename, directory fsync); a crash leaves at most a
 * {@code *.tmp} file, removed on the next open. Given the database's path, every file is created
 * with the database file's permissions (as Litestream does), so a private database stays private.
 */
public final class LocalLtxDir {
  private final Path metaDir;
  private final Path l0;
  private final Optional<Path> modeSource;

  public LocalLtxDir(Path metaDir) {
    this(metaDir, Optional.empty());
  }

  /**
   * A state directory whose files get the permissions {@code modeSource} has when they are written.
   */
  public LocalLtxDir(Path metaDir, Optional<Path> modeSource) {
    this.metaDir = metaDir;
    this.l0 = metaDir.resolve("ltx").resolve("0");
    this.modeSource = modeSource;
  }

  /** Litestream's default: {@code <db dir>/.<db file name>-litestream}. */
  public static Path defaultMetaDir(Path db) {
    Path abs = db.toAbsolutePath();
    return abs.resolveSibling("." + abs.getFileName() + "-litestream");
  }

  public Path metaDir() {
    return metaDir;
  }

  public Path levelZeroDir() {
    return l0;
  }

  /**
   * The file a running replicator holds an exclusive lock on, so that a second one on the same
   * database (and {@code reset}) is refused while it runs.
   */
  public Path lockFile() {
    return metaDir.resolve("replicator.lock");
  }

  /** Creates the directory and removes temp files a crash may have left. */
  void open() throws IOException {
    Files.createDirectories(l0);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(l0, "*.tmp")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    }
  }

  public Path path(long txid) {
    return l0.resolve(new LtxFileName(txid, txid).name());
  }

  /** Writes an L0 file atomically; {@code body} receives the stream to encode into. */
  void write(long txid, AtomicFiles.Body body) throws IOException {
    AtomicFiles.write(
        path(txid),
        modeSource.isPresent() ? FileModes.of(modeSource.get()) : Optional.empty(),
        body);
  }

  public InputStream open(long txid) throws IOException {
    return Files.newInputStream(path(txid));
  }

  public boolean exists(long txid) {
    return Files.exists(path(txid));
  }

  /** TXIDs of the L0 files present, ascending. */
  public List<Long> txids() throws IOException {
    List<Long> out = new ArrayList<>();
    if (!Files.isDirectory(l0)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(l0, "*.ltx")) {
      for (Path p : ds) {
        LtxFileName.parse(p.getFileName().toString())
            .filter(n -> n.minTxid() == n.maxTxid())
            .ifPresent(n -> out.add(n.maxTxid()));
      }
    }
    out.sort(null);
    return out;
  }

  /** The header and trailer of the newest L0 file, if any. */
  Optional<Tip> tip() throws IOException {
    List<Long> ids = txids();
    for (int i = ids.size() - 1; i >= 0; i--) {
      long txid = ids.get(i);
      try {
        return Optional.of(readTip(path(txid)));
      } catch (NoSuchFileException e) {
        // deleted concurrently; try the previous one
      }
    }
    return Optional.empty();
  }

  /** Header and trailer of one LTX file, read without decoding its pages. */
  record Tip(LtxHeader header, LtxTrailer trailer) {}

  static Tip readTip(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < LtxHeader.SIZE + LtxTrailer.SIZE) {
        throw new IOException(
            file
                + " is truncated ("
                + size
                + " bytes); delete it or run "
                + "'litestream4j reset' for this database");
      }
      ByteBuffer head = ByteBuffer.allocate(LtxHeader.SIZE);
      readFully(ch, head, 0);
      ByteBuffer tail = ByteBuffer.allocate(LtxTrailer.SIZE);
      readFully(ch, tail, size - LtxTrailer.SIZE);
      LtxHeader h = LtxHeader.decode(head.array());
      return new Tip(h, new LtxTrailer(tail.getLong(0), tail.getLong(8)));
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + b.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  /** Deletes every local L0 file (after a re-base onto a replica that is ahead). */
  void clear() throws IOException {
    for (long id : txids()) {
      Files.deleteIfExists(path(id));
    }
  }
}
