package io.litestream4j.ltx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The rolling checksum of a database, kept page by page so it can follow writes in O(1): setting a
 * page xors out the checksum of its previous content (if known) and xors in the new one. Its {@link
 * #value()} is what LTX files carry as pre- and post-apply checksums: {@code 0x8000000000000000 |
 * xor of the page checksums of pages 1..pageCount}, lock page excluded.
 *
 * <p>Memory is one {@code long} per page. Not thread-safe.
 */
public final class DatabaseChecksum {
  private static final int READ_CHUNK = 1 << 20;

  private final int pageSize;
  private final int lockPgno;
  private long[] sums; // sums[pgno - 1]; 0 = unknown
  private int pageCount;
  private int known; // pages in 1..pageCount with a known checksum
  private long xor;

  /** An empty database (no pages) with the given page size. */
  public DatabaseChecksum(int pageSize) {
    if (!LtxHeader.isValidPageSize(pageSize)) {
      throw new IllegalArgumentException(
          "invalid page size " + pageSize + ": must be a power of two from 512 to 65536");
    }
    this.pageSize = pageSize;
    this.lockPgno = LockPage.pgno(pageSize);
    this.sums = new long[16];
  }

  private DatabaseChecksum(DatabaseChecksum other) {
    this.pageSize = other.pageSize;
    this.lockPgno = other.lockPgno;
    this.sums = Arrays.copyOf(other.sums, Math.max(16, other.pageCount));
    this.pageCount = other.pageCount;
    this.known = other.known;
    this.xor = other.xor;
  }

  /** An independent copy of this state. */
  public DatabaseChecksum copy() {
    return new DatabaseChecksum(this);
  }

  public int pageSize() {
    return pageSize;
  }

  /**
   * Records the content of page {@code pgno}: its first {@link #pageSize()} bytes are {@code data}.
   * Grows the database if {@code pgno} is past its end.
   */
  public void setPage(int pgno, byte[] data) {
    setPage(pgno, data, 0);
  }

  /**
   * Records the content of page {@code pgno}: {@link #pageSize()} bytes of {@code data} from {@code
   * off}.
   */
  public void setPage(int pgno, byte[] data, int off) {
    checkPgno(pgno);
    setPageChecksum(pgno, Checksums.page(pgno, data, off, pageSize));
  }

  /** Records a page by its already computed {@linkplain Checksums#page page checksum}. */
  public void setPageChecksum(int pgno, long pageChecksum) {
    checkPgno(pgno);
    if ((pageChecksum & Checksums.FLAG) == 0) {
      throw notAPageChecksum(pgno, pageChecksum);
    }
    if (pgno > sums.length) {
      sums =
          Arrays.copyOf(
              sums, Math.max(pgno, (int) Math.min(Integer.MAX_VALUE - 8, 2L * sums.length)));
    }
    long old = sums[pgno - 1];
    if (pgno > pageCount) {
      pageCount = pgno;
    }
    if (old == 0) {
      known++;
    }
    xor ^= old ^ pageChecksum;
    sums[pgno - 1] = pageChecksum;
  }

  /** The recorded checksum of page {@code pgno}, or 0 if unknown or beyond the end. */
  public long pageChecksum(int pgno) {
    return pgno >= 1 && pgno <= pageCount ? sums[pgno - 1] : 0;
  }

  /**
   * Sets the database size to {@code commit} pages, as applying an LTX file with that commit does:
   * pages above it are dropped; if the database grows, the new pages are unknown until set.
   */
  public void truncate(int commit) {
    if (commit < 0) {
      throw new IllegalArgumentException("commit must not be negative, got " + commit);
    }
    for (int pgno = commit + 1; pgno <= pageCount; pgno++) {
      long old = sums[pgno - 1];
      if (old != 0) {
        xor ^= old;
        known--;
        sums[pgno - 1] = 0;
      }
    }
    if (commit > sums.length) {
      sums = Arrays.copyOf(sums, commit);
    }
    pageCount = commit;
  }

  /** The database size in pages. */
  public int pageCount() {
    return pageCount;
  }

  /** True if the checksum of every page 1..{@link #pageCount()} (lock page excepted) is known. */
  public boolean isComplete() {
    int expected = pageCount >= lockPgno ? pageCount - 1 : pageCount;
    return known == expected;
  }

  /** The database checksum: {@code 0x8000000000000000 | xor of all known page checksums}. */
  public long value() {
    return Checksums.FLAG | xor;
  }

  /**
   * Reads pages 1..{@code commit} of a database file and returns its full per-page state, the
   * starting point for following later writes incrementally.
   *
   * @throws LtxException if the file holds fewer than {@code commit} pages
   */
  public static DatabaseChecksum read(FileChannel db, int pageSize, int commit) throws IOException {
    DatabaseChecksum state = new DatabaseChecksum(pageSize);
    state.sums = new long[Math.max(16, commit)];
    scan(db, pageSize, commit, state);
    return state;
  }

  /** The database checksum of pages 1..{@code commit} of a database file, lock page excluded. */
  public static long of(FileChannel db, int pageSize, int commit) throws IOException {
    if (!LtxHeader.isValidPageSize(pageSize)) {
      throw new IllegalArgumentException("invalid page size " + pageSize);
    }
    return Checksums.FLAG | scan(db, pageSize, commit, null);
  }

  /**
   * The database checksum of a whole SQLite database file, reading its page size from the database
   * header. The file must be complete on its own (checkpointed, no WAL content pending).
   */
  public static long of(Path db) throws IOException {
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size == 0) {
        return Checksums.EMPTY_DATABASE;
      }
      ByteBuffer hdr = ByteBuffer.allocate(2);
      if (size < 100 || ch.read(hdr, 16) != 2) {
        throw new LtxException(db + ": " + size + " bytes is too short for a SQLite database");
      }
      int raw = hdr.flip().getShort() & 0xffff;
      int pageSize = raw == 1 ? 65536 : raw;
      if (!LtxHeader.isValidPageSize(pageSize)) {
        throw new LtxException(
            db + ": invalid page size " + raw + " in the SQLite header at offset 16");
      }
      if (size % pageSize != 0 || size / pageSize > Integer.MAX_VALUE) {
        throw new LtxException(
            db + ": size " + size + " is not a whole number of " + pageSize + "-byte pages");
      }
      return of(ch, pageSize, (int) (size / pageSize));
    }
  }

  private static long scan(FileChannel db, int pageSize, int commit, DatabaseChecksum into)
      throws IOException {
    if (commit < 0) {
      throw new IllegalArgumentException("commit must not be negative, got " + commit);
    }
    int lockPgno = LockPage.pgno(pageSize);
    Crc64Shift shift = Crc64Shift.forPageSize(pageSize);
    int pagesPerChunk = Math.max(1, READ_CHUNK / pageSize);
    ByteBuffer buf = ByteBuffer.allocate(pagesPerChunk * pageSize);
    byte[] a = buf.array();
    long xor = 0;
    for (int first = 1; first <= commit; first += pagesPerChunk) {
      int n = Math.min(pagesPerChunk, commit - first + 1);
      buf.clear().limit(n * pageSize);
      long pos = (long) (first - 1) * pageSize;
      while (buf.hasRemaining()) {
        int r = db.read(buf, pos + buf.position());
        if (r < 0) {
          throw new LtxException(
              "database is shorter than "
                  + commit
                  + " pages of "
                  + pageSize
                  + " bytes: end of file at offset "
                  + (pos + buf.position()));
        }
      }
      for (int i = 0; i < n; i++) {
        int pgno = first + i;
        if (pgno == lockPgno) {
          continue;
        }
        long sum = Checksums.pageFromRaw(pgno, Crc64.raw(a, i * pageSize, pageSize), shift);
        xor ^= sum;
        if (into != null) {
          into.setPageChecksum(pgno, sum);
        }
      }
    }
    if (into != null) {
      into.truncate(commit);
    }
    return xor;
  }

  private void checkPgno(int pgno) {
    if (pgno < 1) {
      throw new IllegalArgumentException("page number must be at least 1, got " + pgno);
    }
    if (pgno == lockPgno) {
      throw new IllegalArgumentException(
          "page "
              + pgno
              + " is the lock page for "
              + pageSize
              + "-byte pages; it is never part of a database checksum");
    }
  }

  // Out of line: this method runs once per restored page, its message never.
  private static IllegalArgumentException notAPageChecksum(int pgno, long pageChecksum) {
    return new IllegalArgumentException(
        "page checksum "
            + Checksums.format(pageChecksum)
            + " for page "
            + pgno
            + " lacks the top bit: not a page checksum");
  }

  @Override
  public String toString() {
    return "DatabaseChecksum["
        + Checksums.format(value())
        + " pages="
        + pageCount
        + (isComplete() ? "" : " incomplete")
        + "]";
  }
}
