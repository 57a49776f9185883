package io.litestream4j.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The pages of a database as a reader sees them: the database file overlaid with WAL frames. A page
 * that {@code walPages} indexes is read from its frame in the WAL, every other page from the
 * database file.
 *
 * <p>Guarantees: it only reads, with positional reads that move no channel position, so one overlay
 * may be read from several threads and beside other readers of the same channels. It never opens or
 * closes a descriptor: the channels are borrowed and stay the caller's (inside a replicator they
 * must be its long-lived descriptors, see {@link io.litestream4j.db.Database}'s lock rule). It
 * checks nothing about the frames it is pointed at; callers whose WAL may be rewritten underneath
 * check {@link #frameHolds} around a read.
 *
 * @param db the database file
 * @param wal the WAL; null only when {@code walPages} is empty
 * @param walPages the frame of each page whose newest version is in the WAL
 * @param pageSize page size in bytes
 */
public record WalOverlay(
    FileChannel db, @Nullable FileChannel wal, PageIndex walPages, int pageSize) {

  /** Size of a WAL frame header; the page follows it. */
  public static final int FRAME_HEADER_SIZE = WalFrameHeader.SIZE;

  public WalOverlay {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(walPages, "walPages");
    if (wal == null && !walPages.isEmpty()) {
      throw new IllegalArgumentException("WAL pages are indexed but there is no WAL");
    }
    if (pageSize < 0) {
      throw new IllegalArgumentException("page size " + pageSize);
    }
  }

  /** The database file alone: no page comes from the WAL. */
  public static WalOverlay fileOnly(FileChannel db, int pageSize) {
    return new WalOverlay(db, null, PageIndex.empty(), pageSize);
  }

  /** The offset of the WAL frame holding {@code pgno}, or empty when the page is in the file. */
  public OptionalLong frameOffset(int pgno) {
    return walPages.frameOffsetOf(pgno);
  }

  /**
   * Reads page {@code pgno} into the first {@link #pageSize()} bytes of {@code dst}: from its WAL
   * frame when there is one, else from the database file (zeros when the file ends before it).
   */
  public void readPage(int pgno, byte[] dst) throws IOException {
    OptionalLong frame = walPages.frameOffsetOf(pgno);
    if (frame.isPresent()) {
      readFrame(pgno, frame.getAsLong(), dst);
    } else {
      readFilePage(pgno, dst);
    }
  }

  /** Reads the page of the WAL frame at {@code frameOffset}, which holds {@code pgno}. */
  public void readFrame(int pgno, long frameOffset, byte[] dst) throws IOException {
    readFully(wal, dst, pageSize, frameOffset + FRAME_HEADER_SIZE, "WAL frame of page " + pgno);
  }

  /**
   * Reads page {@code pgno} from the database file; fills {@code dst} with zeros when the file ends
   * before the page (the database grew in the WAL only).
   *
   * @return false when the file does not hold the page
   */
  public boolean readFilePage(int pgno, byte[] dst) throws IOException {
    long offset = (long) (pgno - 1) * pageSize;
    if (offset + pageSize > db.size()) {
      Arrays.fill(dst, 0, pageSize, (byte) 0);
      return false;
    }
    readFully(db, dst, pageSize, offset, "database page " + pgno);
    return true;
  }

  /**
   * True when the WAL frame at {@code frameOffset} is complete and its header names {@code pgno}
   * and the WAL generation {@code (salt1, salt2)}: the frame was not overwritten by a restarted
   * WAL.
   */
  public boolean frameHolds(long frameOffset, int pgno, int salt1, int salt2) throws IOException {
    if (wal == null || frameOffset + FRAME_HEADER_SIZE + pageSize > wal.size()) {
      return false;
    }
    byte[] header = new byte[16];
    readFully(wal, header, header.length, frameOffset, "WAL frame header of page " + pgno);
    ByteBuffer b = ByteBuffer.wrap(header);
    return b.getInt(0) == pgno && b.getInt(8) == salt1 && b.getInt(12) == salt2;
  }

  private static void readFully(FileChannel ch, byte[] buf, int length, long pos, String what)
      throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buf, 0, length);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new IOException("short read of " + what + " at offset " + pos);
      }
    }
  }
}
