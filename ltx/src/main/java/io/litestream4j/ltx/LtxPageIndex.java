package io.litestream4j.ltx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * Random access to the pages of an LTX file through the page index at its end: reads the header,
 * the trailer and the index (never the page frames) and then any single page on demand. This is
 * what serving a page from a replica without downloading the whole file needs.
 *
 * <p>The index is validated structurally: ascending page numbers within the commit and without the
 * lock page, frames that tile the file exactly from the header to the end marker, the declared
 * index length, and the trailer's checksum formats. The file checksum needs every byte and so is
 * only checked by {@link LtxDecoder}; a page read here is checked for its page number and exact
 * decompressed size. Memory is 16 bytes per page. Reading pages moves the channel's position; use
 * one channel per thread.
 */
public final class LtxPageIndex {
  private static final int TAIL = 8 + LtxTrailer.SIZE;

  private final LtxHeader header;
  private final LtxTrailer trailer;
  private final int[] pgnos;
  private final long[] offsets;
  private final int count;

  private LtxPageIndex(
      LtxHeader header, LtxTrailer trailer, int[] pgnos, long[] offsets, int count) {
    this.header = header;
    this.trailer = trailer;
    this.pgnos = pgnos;
    this.offsets = offsets;
    this.count = count;
  }

  /**
   * Reads and validates the header, trailer and page index of the LTX file in {@code ch}.
   *
   * @throws LtxException if the file is too short or its index is malformed
   */
  public static LtxPageIndex read(SeekableByteChannel ch) throws IOException {
    long size = ch.size();
    long minSize = LtxHeader.SIZE + PageCodec.PAGE_HEADER_SIZE + 1 + TAIL;
    if (size < minSize) {
      throw new LtxException(
          "LTX file is truncated: " + size + " bytes, the smallest possible file is " + minSize);
    }
    LtxHeader header = LtxHeader.decode(readAt(ch, 0, LtxHeader.SIZE));
    byte[] tail = readAt(ch, size - TAIL, TAIL);
    long indexLength = LtxDecoder.readLong(tail);
    LtxTrailer trailer = LtxTrailer.decode(Arrays.copyOfRange(tail, 8, TAIL));
    try {
      trailer.validate(header);
    } catch (LtxException e) {
      throw new LtxException(
          "trailer at offset " + (size - LtxTrailer.SIZE) + ": " + e.getMessage());
    }
    long indexEnd = size - TAIL;
    long framesEnd = indexEnd - indexLength - PageCodec.PAGE_HEADER_SIZE;
    if (indexLength < 1 || framesEnd < LtxHeader.SIZE) {
      throw new LtxException(
          "page index length "
              + Long.toUnsignedString(indexLength)
              + " at offset "
              + indexEnd
              + " does not fit in a file of "
              + size
              + " bytes");
    }
    byte[] zero = readAt(ch, framesEnd, PageCodec.PAGE_HEADER_SIZE);
    for (byte b : zero) {
      if (b != 0) {
        throw new LtxException(
            "expected the all-zero end-of-pages header at offset "
                + framesEnd
                + " (from the page index length), found other bytes");
      }
    }
    return parse(ch, header, trailer, framesEnd, indexEnd);
  }

  private static LtxPageIndex parse(
      SeekableByteChannel ch, LtxHeader header, LtxTrailer trailer, long framesEnd, long indexEnd)
      throws IOException {
    ChannelSource src = new ChannelSource(ch, framesEnd + PageCodec.PAGE_HEADER_SIZE, indexEnd);
    long maxFrame = new PageCodec(header.pageSize()).maxFrameSize();
    int lockPgno = header.lockPgno();
    int[] pgnos = new int[16];
    long[] offsets = new long[16];
    int count = 0;
    long expectedOffset = LtxHeader.SIZE;
    long prev = 0;
    while (true) {
      long entryOffset = src.offset();
      long pgno = Varint.read(src, "a page index entry");
      if (pgno == 0) {
        break;
      }
      long offset = Varint.read(src, "a page index offset");
      long frameSize = Varint.read(src, "a page index size");
      String where = "page index entry #" + count + " at offset " + entryOffset + ": ";
      if (Long.compareUnsigned(pgno, prev) <= 0 || pgno > header.commit() || pgno == lockPgno) {
        throw new LtxException(
            where
                + "page "
                + Long.toUnsignedString(pgno)
                + " is not above the previous page "
                + prev
                + ", within the commit "
                + header.commit()
                + " and not the lock page "
                + lockPgno);
      }
      if (offset != expectedOffset) {
        throw new LtxException(
            where
                + "page "
                + pgno
                + " has offset "
                + Long.toUnsignedString(offset)
                + ", expected "
                + expectedOffset
                + " right after the previous frame");
      }
      if (frameSize <= PageCodec.PAGE_HEADER_SIZE
          || frameSize > maxFrame
          || frameSize > framesEnd - offset) {
        throw new LtxException(
            where
                + "page "
                + pgno
                + " has an impossible frame size "
                + Long.toUnsignedString(frameSize));
      }
      if (count == pgnos.length) {
        pgnos = Arrays.copyOf(pgnos, count * 2);
        offsets = Arrays.copyOf(offsets, count * 2);
      }
      pgnos[count] = (int) pgno;
      offsets[count] = offset;
      count++;
      expectedOffset = offset + frameSize;
      prev = pgno;
    }
    if (src.offset() != indexEnd) {
      throw new LtxException(
          "page index ends at offset " + src.offset() + " but its length says " + indexEnd);
    }
    if (expectedOffset != framesEnd) {
      throw new LtxException(
          "page index frames end at offset "
              + expectedOffset
              + " but the end-of-pages header is at "
              + framesEnd);
    }
    if (header.isSnapshot()) {
      int expected = header.commit() >= lockPgno ? header.commit() - 1 : header.commit();
      if (count != expected) {
        throw new LtxException(
            "snapshot page index has " + count + " pages but its commit needs " + expected);
      }
    }
    if (count < pgnos.length) {
      pgnos = Arrays.copyOf(pgnos, count);
    }
    long[] bounds = Arrays.copyOf(offsets, count + 1);
    bounds[count] = framesEnd;
    return new LtxPageIndex(header, trailer, pgnos, bounds, count);
  }

  public LtxHeader header() {
    return header;
  }

  public LtxTrailer trailer() {
    return trailer;
  }

  /** Number of pages in the file. */
  public int size() {
    return count;
  }

  /** All entries in page order (an unmodifiable view). */
  public List<PageIndexEntry> entries() {
    return new Entries();
  }

  /** The entry of page {@code pgno}, if the file contains it. */
  public Optional<PageIndexEntry> find(int pgno) {
    int i = Arrays.binarySearch(pgnos, 0, count, pgno);
    return i < 0 ? Optional.empty() : Optional.of(entry(i));
  }

  /**
   * Reads and decompresses page {@code pgno}.
   *
   * @throws IllegalArgumentException if the file does not contain the page (see {@link #find})
   * @throws LtxException if the frame is malformed
   */
  public byte[] readPage(SeekableByteChannel ch, int pgno) throws IOException {
    byte[] dst = new byte[header.pageSize()];
    readPage(ch, pgno, dst);
    return dst;
  }

  /** Reads page {@code pgno} into the first page-size bytes of {@code dst}. */
  public void readPage(SeekableByteChannel ch, int pgno, byte[] dst) throws IOException {
    if (dst.length < header.pageSize()) {
      throw new IllegalArgumentException(
          "page buffer has " + dst.length + " bytes, the page size is " + header.pageSize());
    }
    int i = Arrays.binarySearch(pgnos, 0, count, pgno);
    if (i < 0) {
      throw new IllegalArgumentException("page " + pgno + " is not in " + header.fileName());
    }
    PageIndexEntry e = entry(i);
    byte[] frame = readAt(ch, e.offset(), (int) e.size());
    try {
      new PageCodec(header.pageSize()).decodeFrame(frame, e.offset(), pgno, dst);
    } catch (RuntimeException ex) {
      throw new LtxException("page " + pgno + " (frame at offset " + e.offset() + "): " + ex, ex);
    }
  }

  private PageIndexEntry entry(int i) {
    return new PageIndexEntry(pgnos[i], offsets[i], offsets[i + 1] - offsets[i]);
  }

  private static byte[] readAt(SeekableByteChannel ch, long pos, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(len);
    ch.position(pos);
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw ByteSource.truncated(pos + buf.position(), len + " bytes at offset " + pos);
      }
    }
    return buf.array();
  }

  private final class Entries extends AbstractList<PageIndexEntry> implements RandomAccess {
    @Override
    public PageIndexEntry get(int index) {
      if (index < 0 || index >= count) {
        throw new IndexOutOfBoundsException(index);
      }
      return entry(index);
    }

    @Override
    public int size() {
      return count;
    }
  }

  /** Buffered sequential reads of a byte range of a channel. */
  private static final class ChannelSource implements ByteSource {
    private final SeekableByteChannel ch;
    private final long end;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    private long bufStart;

    ChannelSource(SeekableByteChannel ch, long start, long end) {
      this.ch = ch;
      this.end = end;
      this.bufStart = start;
      buf.limit(0);
    }

    @Override
    public long offset() {
      return bufStart + buf.position();
    }

    @Override
    public void readFully(byte[] b, int off, int len, String what) throws IOException {
      for (int i = 0; i < len; i++) {
        b[off + i] = (byte) readByte(what);
      }
    }

    @Override
    public int readByte(String what) throws IOException {
      if (!buf.hasRemaining()) {
        long pos = offset();
        int n = (int) Math.min(buf.capacity(), end - pos);
        if (n <= 0) {
          throw new LtxException(
              "page index runs past its declared end at offset " + end + " while reading " + what);
        }
        bufStart = pos;
        buf.clear().limit(n);
        ch.position(pos);
        while (buf.hasRemaining()) {
          if (ch.read(buf) < 0) {
            throw ByteSource.truncated(pos + buf.position(), what);
          }
        }
        buf.flip();
      }
      return buf.get() & 0xff;
    }
  }
}
