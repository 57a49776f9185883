package io.litestream4j.sqlite;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LockPage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The pages of a SQLite database as SQLite itself would present them, read straight from the files
 * by a tool that must never change them: no SQLite connection is opened, so nothing is
 * checkpointed, rolled back or created. With {@code includeWal} the committed frames of the {@code
 * -wal} file are overlaid on the database file (the newest version of each page wins, the size
 * comes from the last commit frame), exactly what a reader connection would see; without it only
 * the database file is read.
 *
 * <p>What the database file alone cannot tell is reported, not guessed: {@link #pendingChanges()}
 * names committed WAL content that is not in the file (when the WAL is not included) and a hot
 * rollback journal (an interrupted transaction: the file is half-written). Readers that need a
 * consistent image call {@link #requireConsistent()}.
 *
 * <p>Concurrent writers are detected optimistically: {@link #checkUnchanged()} compares sizes,
 * modification times and headers of the database, {@code -wal} and {@code -shm} files (whose
 * wal-index header changes with every commit and checkpoint) with what they were at {@link #open};
 * a caller that read every page and then sees no change has read one consistent state. Not
 * thread-safe; page reads move no shared position, so the channels are never left in a bad state.
 *
 * <p>It opens and closes descriptors of its own on the database, {@code -wal} and {@code -shm}
 * files, and closing a descriptor releases every POSIX lock the process holds on that file, SQLite
 * connections' included (see {@link io.litestream4j.db.Database}). Use it only in a process that
 * has no SQLite connection to the database open — the {@code ltx-file} commands run in their own
 * process — never inside an application or replicator that uses the database.
 */
public final class DatabaseImage implements Closeable {
  private static final int CHUNK_BYTES = 1 << 20;

  /**
   * Both copies of the wal-index header and nBackfill at the start of the -shm file (not the read
   * marks).
   */
  private static final int SHM_HEADER_BYTES = 100;

  private final Path path;
  private final WalOverlay overlay; // its WAL is null when the WAL is absent or not included
  private final @Nullable WalReader walReader;
  private final int pageSize;
  private final int pageCount;
  private final long dbFileSize;
  private final Fingerprint fingerprint;
  private @Nullable String pendingChanges; // null when the image is consistent; set once by open()
  private final byte[] chunk;
  private int chunkFirst; // page number of chunk[0], 0 = empty
  private int chunkPages;

  private DatabaseImage(
      Path path,
      FileChannel db,
      @Nullable FileChannel wal,
      @Nullable WalReader walReader,
      PageIndex walPages,
      int pageSize,
      int pageCount,
      long dbFileSize,
      Fingerprint fingerprint) {
    this.path = path;
    this.overlay = new WalOverlay(db, wal, walPages, pageSize);
    this.walReader = walReader;
    this.pageSize = pageSize;
    this.pageCount = pageCount;
    this.dbFileSize = dbFileSize;
    this.fingerprint = fingerprint;
    this.chunk =
        pageSize == 0 ? new byte[0] : new byte[Math.max(1, CHUNK_BYTES / pageSize) * pageSize];
  }

  /**
   * Opens the database at {@code path} read-only.
   *
   * @param includeWal overlay the committed frames of {@code <path>-wal}
   * @throws NoSuchFileException if the database file does not exist
   * @throws SqliteFormatException if the database file (or an included WAL) is not a valid SQLite
   *     file
   */
  public static DatabaseImage open(Path path, boolean includeWal) throws IOException {
    Objects.requireNonNull(path, "path");
    if (Files.isDirectory(path)) {
      throw new SqliteFormatException(path + " is a directory, not a SQLite database file");
    }
    Fingerprint before = Fingerprint.of(path);
    FileChannel db = FileChannel.open(path, StandardOpenOption.READ);
    FileChannel wal = null;
    try {
      long size = db.size();
      DatabaseHeader header = null;
      if (size > 0) {
        try {
          header = DatabaseHeader.read(db);
        } catch (SqliteFormatException e) {
          throw new SqliteFormatException(path + ": " + e.getMessage());
        }
      }
      int pageSize = header == null ? 0 : header.pageSize();
      long filePages = header == null ? 0 : header.effectivePageCount(size);
      if (filePages > Integer.MAX_VALUE) {
        throw new SqliteFormatException(
            path + ": " + filePages + " pages is more than this tool supports");
      }
      if (filePages * pageSize > size) {
        throw new SqliteFormatException(
            path
                + " is truncated: its header says "
                + filePages
                + " pages of "
                + pageSize
                + " bytes ("
                + filePages * pageSize
                + " bytes) but the file has "
                + size
                + " bytes");
      }
      Path walPath = sibling(path, "-wal");
      wal = openIfExists(walPath);
      WalSegment committed = null;
      WalReader reader = null;
      if (wal != null) {
        reader = readableWal(wal).orElse(null);
        if (reader != null) {
          WalSegment seg = reader.scan(reader.start());
          if (!seg.isEmpty()) {
            committed = seg;
          }
        }
      }
      if (committed != null && pageSize != 0 && reader.pageSize() != pageSize) {
        throw new SqliteFormatException(
            walPath
                + " has "
                + reader.pageSize()
                + "-byte pages but "
                + path
                + " has "
                + pageSize
                + "-byte pages: the WAL does not belong to this database");
      }
      String journal = hotJournal(path);
      DatabaseImage image;
      if (includeWal && committed != null) {
        image =
            new DatabaseImage(
                path,
                db,
                wal,
                reader,
                committed.pages(),
                reader.pageSize(),
                committed.commit(),
                size,
                before);
        image.pendingChanges = journal;
      } else {
        image =
            new DatabaseImage(
                path, db, null, null, PageIndex.empty(), pageSize, (int) filePages, size, before);
        String walPending = committed == null ? null : image.walPending(walPath, reader, committed);
        image.pendingChanges = join(walPending, journal);
        closeQuietly(wal);
        wal = null;
      }
      return image;
    } catch (IOException | RuntimeException e) {
      closeQuietly(wal);
      closeQuietly(db);
      throw e;
    }
  }

  /** The database file. */
  public Path path() {
    return path;
  }

  /** Page size in bytes, or 0 for an empty database (a 0-byte file and no committed WAL). */
  public int pageSize() {
    return pageSize;
  }

  /**
   * Database size in pages (including the lock page, which holds no data, if the database reaches
   * it).
   */
  public int pageCount() {
    return pageCount;
  }

  /** True for a database without pages. */
  public boolean isEmpty() {
    return pageCount == 0;
  }

  /**
   * Number of distinct pages read from the WAL instead of the database file (0 unless the WAL is
   * included).
   */
  public int walPageCount() {
    return overlay.walPages().size();
  }

  /**
   * What makes the database file differ from the database SQLite would show: committed WAL content
   * not in the file (only when the WAL is not included) or a hot rollback journal. Empty when the
   * image is exactly the database.
   */
  public Optional<String> pendingChanges() {
    return Optional.ofNullable(pendingChanges);
  }

  /**
   * @throws PendingChangesException if {@link #pendingChanges()} is not empty
   */
  public DatabaseImage requireConsistent() throws PendingChangesException {
    if (pendingChanges != null) {
      throw new PendingChangesException(pendingChanges);
    }
    return this;
  }

  /**
   * Reads page {@code pgno} (1..{@link #pageCount()}) into the first {@link #pageSize()} bytes of
   * {@code dst}. Sequential reads are served from 1 MiB chunks of the database file.
   */
  public void readPage(int pgno, byte[] dst) throws IOException {
    if (pgno < 1 || pgno > pageCount) {
      throw new IllegalArgumentException(
          "page " + pgno + " is outside the database's 1.." + pageCount);
    }
    if (dst.length < pageSize) {
      throw new IllegalArgumentException(
          "buffer of " + dst.length + " bytes cannot hold a " + pageSize + "-byte page");
    }
    var frame = overlay.frameOffset(pgno);
    if (frame.isPresent()) {
      walReader.readPage(pgno, frame.getAsLong(), ByteBuffer.wrap(dst, 0, pageSize));
      return;
    }
    if (pgno < chunkFirst || pgno >= chunkFirst + chunkPages || chunkFirst == 0) {
      fillChunk(pgno);
    }
    System.arraycopy(chunk, (pgno - chunkFirst) * pageSize, dst, 0, pageSize);
  }

  /**
   * The rolling LTX checksum of pages 1..{@link #pageCount()} (the lock page excluded), read
   * through {@link #readPage}: the checksum an LTX file of this image carries. Callers that must
   * not mix two states check {@link #checkUnchanged} afterwards.
   */
  public long checksum() throws IOException {
    DatabaseChecksum sum = new DatabaseChecksum(pageSize);
    byte[] page = new byte[pageSize];
    int lock = LockPage.pgno(pageSize);
    for (int pgno = 1; pgno <= pageCount; pgno++) {
      if (pgno != lock) {
        readPage(pgno, page);
        sum.setPage(pgno, page);
      }
    }
    return sum.value();
  }

  /**
   * @throws DatabaseChangedException if the database, its WAL or its wal-index changed since {@link
   *     #open}: pages read meanwhile may mix two states
   */
  public void checkUnchanged() throws IOException {
    Fingerprint now = Fingerprint.of(path);
    if (!now.equals(fingerprint)) {
      throw new DatabaseChangedException(
          path + " changed while it was being read (" + fingerprint.difference(now) + ")");
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (overlay.wal() != null) {
        overlay.wal().close();
      }
    } finally {
      overlay.db().close();
    }
  }

  private void fillChunk(int pgno) throws IOException {
    long pos = (long) (pgno - 1) * pageSize;
    if (pos + pageSize > dbFileSize) {
      throw new SqliteFormatException(
          path
              + " has no page "
              + pgno
              + " (the file has "
              + dbFileSize / pageSize
              + " pages) and the WAL does not hold it either: the database is incomplete");
    }
    int pages =
        (int)
            Math.min(
                chunk.length / pageSize,
                Math.min(dbFileSize / pageSize - (pgno - 1), pageCount - pgno + 1L));
    ByteBuffer buf = ByteBuffer.wrap(chunk, 0, pages * pageSize);
    while (buf.hasRemaining()) {
      if (overlay.db().read(buf, pos + buf.position()) < 0) {
        throw new DatabaseChangedException(
            path
                + " became shorter while it was being read (end of file at offset "
                + (pos + buf.position())
                + ")");
      }
    }
    chunkFirst = pgno;
    chunkPages = pages;
  }

  /**
   * Describes how the committed WAL content differs from the database file, or null if overlaying
   * it would change nothing (a WAL already checkpointed but not yet reset).
   */
  private @Nullable String walPending(Path walPath, WalReader reader, WalSegment committed)
      throws IOException {
    String counts =
        committed.commits() + " committed transaction" + (committed.commits() == 1 ? "" : "s");
    if (pageSize == 0 || committed.commit() != pageCount) {
      return walPath.getFileName()
          + " holds "
          + counts
          + " that change the database size from "
          + pageCount
          + " to "
          + committed.commit()
          + " pages; they are not in "
          + path.getFileName()
          + " yet";
    }
    byte[] fromWal = new byte[pageSize];
    byte[] fromFile = new byte[pageSize];
    int differing = 0;
    PageIndex pages = committed.pages();
    for (int i = 0; i < pages.size(); i++) {
      int pgno = pages.pgno(i);
      reader.readPage(pgno, pages.frameOffset(i), ByteBuffer.wrap(fromWal));
      readPage(pgno, fromFile);
      if (!Arrays.equals(fromWal, fromFile)) {
        differing++;
      }
    }
    chunkFirst = 0;
    if (differing == 0) {
      return null;
    }
    return walPath.getFileName()
        + " holds "
        + counts
        + " not yet checkpointed into "
        + path.getFileName()
        + " ("
        + differing
        + " page"
        + (differing == 1 ? "" : "s")
        + " differ)";
  }

  /**
   * A WAL reader, or empty when SQLite would treat the WAL as empty (too short or an invalid
   * header).
   */
  private static Optional<WalReader> readableWal(FileChannel wal) throws IOException {
    try {
      return WalReader.open(wal);
    } catch (SqliteFormatException e) {
      return Optional.empty(); // SQLite ignores a WAL whose header does not validate
    }
  }

  /** A description of a hot rollback journal beside the database, or null if there is none. */
  private static @Nullable String hotJournal(Path db) throws IOException {
    Path journal = sibling(db, "-journal");
    try (FileChannel ch = openIfExists(journal)) {
      if (ch == null || ch.size() == 0) {
        return null;
      }
      ByteBuffer magic = ByteBuffer.allocate(8);
      while (magic.hasRemaining() && ch.read(magic, magic.position()) >= 0) {
        // read up to 8 bytes
      }
      for (byte b : magic.array()) {
        if (b != 0) {
          return "hot rollback journal "
              + journal.getFileName()
              + " exists: a transaction is in progress or was"
              + " interrupted, so "
              + db.getFileName()
              + " may be half-written (let the writer finish, or"
              + " open the database with sqlite3 once to roll the journal back)";
        }
      }
      return null; // zeroed header: a finished transaction in PERSIST mode
    }
  }

  private static @Nullable FileChannel openIfExists(Path p) throws IOException {
    try {
      return FileChannel.open(p, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  static Path sibling(Path db, String suffix) {
    return db.resolveSibling(db.getFileName() + suffix);
  }

  private static @Nullable String join(@Nullable String a, @Nullable String b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a + "; " + b;
  }

  private static void closeQuietly(@Nullable Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }

  /** What {@link #checkUnchanged()} compares: cheap evidence of any write, commit or checkpoint. */
  private record Fingerprint(FileState db, FileState wal, FileState shm) {
    static Fingerprint of(Path db) throws IOException {
      if (!Files.exists(db)) {
        throw new NoSuchFileException(db.toString(), null, "no such database file");
      }
      return new Fingerprint(
          FileState.of(db, DatabaseHeader.SIZE, true),
          FileState.of(sibling(db, "-wal"), WalHeader.SIZE, true),
          FileState.of(sibling(db, "-shm"), SHM_HEADER_BYTES, false));
    }

    String difference(Fingerprint now) {
      if (!db.equals(now.db)) {
        return "the database file was written";
      }
      if (!wal.equals(now.wal)) {
        return "the WAL was written";
      }
      return "the wal-index (-shm) records a commit or checkpoint";
    }
  }

  /**
   * Existence, size, modification time and leading bytes of one file. The -shm file's time is left
   * out: readers update their read marks in it, writers change the headers compared here.
   */
  private record FileState(boolean exists, long size, long modifiedNanos, byte[] head) {
    static FileState of(Path p, int headBytes, boolean withTime) throws IOException {
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
        long modified = withTime ? Files.getLastModifiedTime(p).to(TimeUnit.NANOSECONDS) : 0;
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(headBytes, ch.size()));
        while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
          // read the leading bytes
        }
        return new FileState(true, ch.size(), modified, head.array());
      } catch (NoSuchFileException e) {
        return new FileState(false, 0, 0, new byte[0]);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FileState f
          && exists == f.exists
          && size == f.size
          && modifiedNanos == f.modifiedNanos
          && Arrays.equals(head, f.head);
    }

    @Override
    public int hashCode() {
      return Objects.hash(exists, size, modifiedNanos, Arrays.hashCode(head));
    }
  }
}
