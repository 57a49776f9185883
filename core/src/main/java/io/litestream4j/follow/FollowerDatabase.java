package io.litestream4j.follow;

import io.litestream4j.FollowException;
import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxDecoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.ltx.Txid;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The follower's local database and the one way it changes: {@link #apply} moves it from one TXID
 * to a later one as a single SQLite transaction, as seen by any SQLite reader in any process.
 *
 * <p>How readers are kept from ever seeing a torn state. The database is kept in rollback-journal
 * mode (header bytes 18/19 = 1; the source's pages say WAL, so page 1 is patched on the way in) and
 * every apply follows SQLite's own commit protocol for that mode, with SQLite's own locks:
 *
 * <ol>
 *   <li>the LTX file is downloaded and fully decoded and verified first (file CRC, and where the
 *       file carries them the pre- and post-apply database checksums), so nothing is touched for a
 *       file that is corrupt or does not continue the database;
 *   <li>a JDBC connection runs {@code BEGIN EXCLUSIVE}: SQLite takes PENDING (no new readers) and
 *       then EXCLUSIVE (no reader left), so from here on no reader is inside a read transaction;
 *   <li>the original content of every page about to change (written or truncated away) is written
 *       to {@code <db>-journal} in SQLite's rollback-journal format and fsynced, then the position
 *       sidecar is written (naming both the old and the new position);
 *   <li>the pages are written in place, page 1's change counter is bumped (so every reader's page
 *       cache is invalidated), the file is truncated to the new size and fsynced;
 *   <li>deleting the journal (and fsyncing the directory) is the commit point; then the lock is
 *       released and readers see the new TXID as a whole.
 * </ol>
 *
 * If the process dies before the commit point, the journal is <em>hot</em>: the next SQLite
 * connection to open the database (the restarted follower, or a reader) rolls it back, exactly as
 * after a crash of SQLite itself. The channel used for page writes stays open for the object's
 * lifetime, because closing any descriptor of a file drops all of the process's POSIX locks on it,
 * SQLite's included.
 *
 * <p>Crash-safe position: the sidecar names the new and the previous position before the commit
 * point; on {@link #open} the database's checksum (recomputed from the file, with the source's page
 * 1 header put back) says which of the two it is at. Anything else means the file was changed by
 * someone else, and is an error. A writer that modifies the database while the follower runs is
 * detected by the change counter before the next apply.
 *
 * <p>Not thread-safe: one follower thread owns it.
 */
public final class FollowerDatabase implements Closeable {
  private static final int ROLLBACK_MODE = 1;
  private static final int WAL_MODE = 2;

  private final Path db;
  private final Path journal;
  private final FileChannel ch;
  private final Connection lock;
  private final int pageSize;
  private DatabaseChecksum state;
  private FollowPosition position;
  private int changeCounter;
  private boolean broken;

  private FollowerDatabase(
      Path db,
      FileChannel ch,
      Connection lock,
      int pageSize,
      DatabaseChecksum state,
      FollowPosition position)
      throws IOException {
    this.db = db;
    this.journal = db.resolveSibling(db.getFileName() + "-journal");
    this.ch = ch;
    this.lock = lock;
    this.pageSize = pageSize;
    this.state = state;
    this.position = position;
    this.changeCounter = readInt(ch, 24);
  }

  /**
   * Turns a freshly restored database file {@code staged} (at {@code txid}) into a follower
   * database at {@code db}: rollback-journal mode, position sidecar written, then renamed into
   * place. {@code staged} must not be open elsewhere.
   */
  public static FollowPosition install(Path staged, Path db, long txid) throws IOException {
    FollowPosition pos;
    try (FileChannel c =
        FileChannel.open(staged, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      byte[] header = readHeader(c);
      int pageSize = pageSize(header, staged);
      int pages = (int) (c.size() / pageSize);
      long checksum = DatabaseChecksum.read(c, pageSize, pages).value();
      pos = new FollowPosition(txid, checksum, header);
      byte[] patched = header.clone();
      patch(patched, readIntBE(header, 24) + 1);
      c.write(ByteBuffer.wrap(patched), 0);
      c.force(true);
    }
    Files.deleteIfExists(FollowPosition.sidecar(db));
    FollowPosition.write(db, pos, null);
    AtomicFiles.move(staged, db);
    AtomicFiles.fsyncDirectory(db.toAbsolutePath().getParent());
    return pos;
  }

  /**
   * Opens a follower database written by {@link #install} and earlier applies, rolling back an
   * apply a crash interrupted and finding the position from the sidecar and the file's checksum.
   *
   * @throws IOException if there is no sidecar, or the database is at neither position it names
   */
  public static FollowerDatabase open(Path db, Duration busyTimeout) throws IOException {
    Optional<FollowPosition.Pair> saved = FollowPosition.read(db);
    if (saved.isEmpty()) {
      throw new IOException(
          db
              + " exists but has no follow position ("
              + FollowPosition.sidecar(db)
              + "): it was not written by a follower; restore into a new path, or pass -force to replace it");
    }
    Connection conn = null;
    FileChannel c = null;
    try {
      conn = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
      try (Statement st = conn.createStatement()) {
        st.execute("PRAGMA busy_timeout=" + busyTimeout.toMillis());
        st.execute("BEGIN EXCLUSIVE"); // rolls back a hot journal left by a crashed apply
      }
      c = FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE);
      byte[] header = readHeader(c);
      if ((header[18] & 0xff) != ROLLBACK_MODE || (header[19] & 0xff) != ROLLBACK_MODE) {
        throw new IOException(
            db
                + " is no longer in rollback-journal mode (header bytes 18/19 = "
                + header[18]
                + "/"
                + header[19]
                + "): something opened it for writing; restore again (-force)");
      }
      int pageSize = pageSize(header, db);
      DatabaseChecksum sums = DatabaseChecksum.read(c, pageSize, (int) (c.size() / pageSize));
      byte[] page1 = new byte[pageSize];
      readFully(c, ByteBuffer.wrap(page1), 0);
      FollowPosition.Pair pair = saved.get();
      FollowPosition found = null;
      DatabaseChecksum foundState = null;
      for (FollowPosition candidate :
          pair.previous().isPresent()
              ? java.util.List.of(pair.current(), pair.previous().get())
              : java.util.List.of(pair.current())) {
        DatabaseChecksum s = sums.copy();
        byte[] p = page1.clone();
        System.arraycopy(candidate.page1Header(), 0, p, 0, FollowPosition.HEADER_SIZE);
        s.setPage(1, p);
        if (s.value() == candidate.checksum()) {
          found = candidate;
          foundState = s;
          break;
        }
      }
      if (found == null) {
        throw new IOException(
            db
                + " is at neither follow position its sidecar names ("
                + pair.current()
                + (pair.previous().map(p -> " or " + p).orElse(""))
                + "): it was modified by another writer;"
                + " restore again (-force)");
      }
      try (Statement st = conn.createStatement()) {
        st.execute("COMMIT");
      }
      FollowerDatabase f = new FollowerDatabase(db, c, conn, pageSize, foundState, found);
      return f;
    } catch (SQLException e) {
      closeQuietly(conn, c);
      throw new IOException("cannot open follower database " + db + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(conn, c);
      throw e;
    }
  }

  public FollowPosition position() {
    return position;
  }

  public long txid() {
    return position.txid();
  }

  public int pageSize() {
    return pageSize;
  }

  /** The database checksum over the source's pages at {@link #txid()}. */
  public long checksum() {
    return state.value();
  }

  /** What one apply did. */
  public record Applied(long txid, long timestamp, int pages, boolean checksumsVerified) {}

  /**
   * Applies the LTX file at {@code ltx} (a local, complete copy) as one transaction. The file must
   * reach past the current TXID and start at most one past it: {@code min == txid + 1} continues
   * the database (its pre-apply checksum must match); a smaller min (a compacted file or snapshot
   * overlapping what is applied already) is exact too, as it holds the newest version of every page
   * changed in its range, and is proven by its post-apply checksum.
   *
   * @throws FollowException if the file does not continue the database or fails verification
   *     (nothing was changed), or if applying failed midway (the database is left to be rolled back
   *     by SQLite and this object is unusable)
   */
  public Applied apply(Path ltx) throws IOException {
    if (broken) {
      throw new IllegalStateException(
          "an earlier apply to " + db + " failed midway; reopen the follower database");
    }
    long txid = position.txid();
    LtxHeader h;
    DatabaseChecksum next = state.copy();
    SortedSet<Integer> pgnos = new TreeSet<>();
    byte[] header = position.page1Header();
    try (LtxDecoder dec = new LtxDecoder(open(ltx))) {
      h = dec.header();
      if (h.pageSize() != pageSize) {
        throw new FollowException(
            FollowException.Kind.INCOMPATIBLE,
            name(h)
                + " has page size "
                + h.pageSize()
                + " but "
                + db
                + " has "
                + pageSize
                + " (the source changed its page size): restore again (-force)");
      }
      if (h.minTxid() > txid + 1 || h.maxTxid() <= txid) {
        throw new IllegalArgumentException(
            name(h) + " does not continue TXID " + Txid.format(txid));
      }
      next.truncate(h.commit());
      byte[] page = new byte[pageSize];
      for (int pgno; (pgno = dec.nextPage(page)) != 0; ) {
        pgnos.add(pgno);
        next.setPageChecksum(pgno, dec.pageChecksum());
        if (pgno == 1) {
          header = java.util.Arrays.copyOf(page, FollowPosition.HEADER_SIZE);
        }
      }
      LtxTrailer trailer = dec.finish();
      if (h.hasChecksums()) {
        if (h.minTxid() == txid + 1 && h.preApplyChecksum() != state.value()) {
          throw new FollowException(
              FollowException.Kind.CHECKSUM_BREAK,
              "checksum break: "
                  + name(h)
                  + " expects the database at TXID "
                  + Txid.format(txid)
                  + " to have checksum "
                  + hex(h.preApplyChecksum())
                  + " but the follower's is "
                  + hex(state.value())
                  + ": the replica does not continue what this follower applied (was it reset or replaced?);"
                  + " restore again (-force)");
        }
        if (trailer.postApplyChecksum() != next.value()) {
          throw new FollowException(
              FollowException.Kind.CHECKSUM_BREAK,
              "checksum break: applying "
                  + name(h)
                  + " on TXID "
                  + Txid.format(txid)
                  + " gives checksum "
                  + hex(next.value())
                  + " but the file says "
                  + hex(trailer.postApplyChecksum())
                  + "; nothing was applied");
        }
      }
      if (!next.isComplete()) {
        throw new FollowException(
            FollowException.Kind.GAP,
            name(h)
                + " grows the database to "
                + h.commit()
                + " pages but does not hold all the new pages: it does not continue TXID "
                + Txid.format(txid));
      }
    }
    FollowPosition target = new FollowPosition(h.maxTxid(), next.value(), header);
    beginExclusive();
    boolean touched = false;
    boolean pagesWritten = false;
    try {
      byte[] current = readHeader(ch);
      if (readIntBE(current, 24) != changeCounter
          || current[18] != ROLLBACK_MODE
          || current[19] != ROLLBACK_MODE) {
        throw new FollowException(
            FollowException.Kind.MODIFIED,
            db
                + " was modified by another writer"
                + " since TXID "
                + Txid.format(txid)
                + " (its change counter or journal mode changed): a follower's"
                + " database must only be read (open it read-only); restore again (-force)");
      }
      int originalPages = (int) (ch.size() / pageSize);
      // Every page that changes: the file's pages, page 1 (change counter), and the pages a
      // shrinking commit truncates away (rollback restores the size, the journal their content).
      SortedSet<Integer> journaled = new TreeSet<>(pgnos);
      journaled.add(1);
      for (int pgno = h.commit() + 1; pgno <= originalPages; pgno++) {
        journaled.add(pgno);
      }
      touched = true;
      RollbackJournal.write(journal, ch, pageSize, originalPages, journaled);
      AtomicFiles.fsyncDirectory(db.toAbsolutePath().getParent());
      FollowPosition.write(db, target, position);
      int counter = changeCounter + 1;
      boolean wrotePage1 = false;
      pagesWritten = true;
      try (LtxDecoder dec = new LtxDecoder(open(ltx))) {
        byte[] page = new byte[pageSize];
        ByteBuffer buf = ByteBuffer.wrap(page);
        for (int pgno; (pgno = dec.nextPage(page)) != 0; ) {
          if (pgno == 1) {
            patch(page, counter);
            wrotePage1 = true;
          }
          buf.clear();
          writeFully(ch, buf, (long) (pgno - 1) * pageSize);
        }
        dec.finish();
      }
      if (!wrotePage1) {
        byte[] page1 = new byte[pageSize];
        readFully(ch, ByteBuffer.wrap(page1), 0);
        patch(page1, counter);
        writeFully(ch, ByteBuffer.wrap(page1), 0);
      }
      long size = (long) h.commit() * pageSize;
      if (ch.size() > size) {
        ch.truncate(size);
      }
      ch.force(true);
      Files.delete(journal);
      AtomicFiles.fsyncDirectory(db.toAbsolutePath().getParent());
      changeCounter = counter;
      state = next;
      position = target;
      touched = false;
      pagesWritten = false;
    } catch (IOException | RuntimeException | Error e) {
      if (pagesWritten) {
        broken = true; // the hot journal stays: SQLite rolls the pages back on the next open
      } else if (touched) {
        Files.deleteIfExists(
            journal); // nothing was overwritten: the journal would restore the same pages
      }
      throw e;
    } finally {
      endTransaction();
    }
    return new Applied(h.maxTxid(), h.timestamp(), pgnos.size(), h.hasChecksums());
  }

  private void beginExclusive() throws IOException {
    try (Statement st = lock.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
    } catch (SQLException e) {
      throw new IOException(
          "cannot lock follower database "
              + db
              + " for the next transaction (a reader"
              + " holding a long read transaction?): "
              + e.getMessage(),
          e);
    }
  }

  private void endTransaction() throws IOException {
    try (Statement st = lock.createStatement()) {
      st.execute("COMMIT");
    } catch (SQLException e) {
      broken = true;
      throw new IOException(
          "cannot release the lock on follower database " + db + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sets rollback-journal mode and a new change counter (also as version-valid-for) in page 1's
   * header.
   */
  private static void patch(byte[] page1, int counter) {
    page1[18] = ROLLBACK_MODE;
    page1[19] = ROLLBACK_MODE;
    writeIntBE(page1, 24, counter);
    writeIntBE(page1, 92, counter);
  }

  private static InputStream open(Path ltx) throws IOException {
    return new BufferedInputStream(Files.newInputStream(ltx), 64 * 1024);
  }

  private static String name(LtxHeader h) {
    return "LTX file " + h.fileName();
  }

  private static String hex(long v) {
    return HexFormat.of().toHexDigits(v);
  }

  private static int pageSize(byte[] header, Path db) throws IOException {
    int raw = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
    int pageSize = raw == 1 ? 65536 : raw;
    if (!LtxHeader.isValidPageSize(pageSize)) {
      throw new IOException(db + " is not a SQLite database (page size field " + raw + ")");
    }
    return pageSize;
  }

  private static byte[] readHeader(FileChannel c) throws IOException {
    byte[] b = new byte[FollowPosition.HEADER_SIZE];
    readFully(c, ByteBuffer.wrap(b), 0);
    return b;
  }

  private static int readInt(FileChannel c, long pos) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4);
    readFully(c, b, pos);
    return b.getInt(0);
  }

  private static int readIntBE(byte[] b, int off) {
    return ByteBuffer.wrap(b, off, 4).getInt();
  }

  private static void writeIntBE(byte[] b, int off, int v) {
    ByteBuffer.wrap(b, off, 4).putInt(v);
  }

  private static void readFully(FileChannel c, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = c.read(b, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at offset " + pos);
      }
      pos += n;
    }
  }

  private static void writeFully(FileChannel c, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      pos += c.write(b, pos);
    }
  }

  private static void closeQuietly(@Nullable Connection conn, @Nullable FileChannel c) {
    try {
      if (conn != null) {
        conn.close();
      }
    } catch (SQLException ignored) {
      // already failing
    }
    try {
      if (c != null) {
        c.close();
      }
    } catch (IOException ignored) {
      // already failing
    }
  }

  /** Closes the lock connection first, then the channel (see the class comment on POSIX locks). */
  @Override
  public void close() throws IOException {
    try {
      lock.close();
    } catch (SQLException e) {
      throw new IOException("cannot close follower database " + db + ": " + e.getMessage(), e);
    } finally {
      ch.close();
    }
  }
}
