package io.litestream4j.ltx;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one LTX file from a stream, page by page, verifying everything the format promises: header
 * rules, strictly ascending page numbers within the commit and never the lock page, every page of a
 * snapshot, exact decompressed sizes, the page index against the frames actually read, the trailer,
 * the file checksum, for snapshots with checksums the post-apply checksum, and that nothing follows
 * the trailer.
 *
 * <p>Usage: {@link #header()}, then {@link #nextPage(byte[])} until it returns 0, then {@link
 * #finish()}. Page data must not be trusted until {@code finish} returns: only then is the file
 * checksum known to match. Legacy frames (LZ4 frame streams, no flag 0x0001) are accepted.
 *
 * <p>Hostile input ends in an {@link LtxException} with the offset and page: no size field is
 * trusted for allocation (memory is a few page-size buffers), every loop consumes input, and no
 * unchecked exception escapes. {@link #close()} closes the stream. Not thread-safe.
 */
public final class LtxDecoder implements Closeable {
  private static final int BUFFER_SIZE = 64 * 1024;

  /** Page bytes a decoder reads itself before it starts reading ahead (when asked to). */
  static final long READ_AHEAD_AFTER_BYTES = 8L << 20;

  private static final byte[] END_OF_FRAMES = new byte[PageCodec.PAGE_HEADER_SIZE];

  private final StreamInput in;
  private final LtxHeader header;
  private final FrameReader frames;
  private final boolean readAhead;
  private final Crc64Shift shift;
  private final Crc64 fileHash = new Crc64();
  private final IndexHash expectedIndex = new IndexHash();
  private final byte[] frameHeader = new byte[FrameReader.MAX_HEADER];

  private State state = State.PAGES;
  private int pageCount;
  private int lastPgno;
  private long lastPageChecksum;
  private long snapshotXor;
  private long framesEnd;
  private long lastFrameEnd;
  private FrameReadAhead ahead;
  private byte[] page; // holds the page last returned
  private LtxTrailer trailer;

  private enum State {
    PAGES,
    INDEX,
    FINISHED,
    FAILED,
    CLOSED
  }

  /**
   * Reads and validates the header.
   *
   * @throws LtxException if the stream does not start with a valid LTX header
   */
  public LtxDecoder(InputStream in) throws IOException {
    this(in, false);
  }

  /**
   * Like {@link #LtxDecoder(InputStream)}; with {@code readAhead}, once a file has proved large
   * ({@value #READ_AHEAD_AFTER_BYTES} bytes of pages) its remaining frames are read and
   * decompressed on a thread of its own ({@link FrameReadAhead}) while this decoder's caller hashes
   * the pages: what is verified, and the errors, stay the same. For one large input at a time (a
   * restore's snapshot): each read-ahead holds a thread and about 1 MiB.
   */
  LtxDecoder(InputStream in, boolean readAhead) throws IOException {
    this.readAhead = readAhead;
    this.in = new StreamInput(in, BUFFER_SIZE);
    byte[] b = new byte[LtxHeader.SIZE];
    this.in.readFully(b, 0, b.length, "the header");
    this.header = LtxHeader.decode(b);
    fileHash.update(b, 0, b.length);
    this.frames = new FrameReader(this.in, header);
    this.shift = Crc64Shift.forPageSize(header.pageSize());
  }

  public LtxHeader header() {
    return header;
  }

  /** Bytes consumed from the stream so far. */
  public long bytesRead() {
    return ahead != null && state == State.PAGES ? lastFrameEnd : in.offset();
  }

  /** Page frames read so far. */
  public int pagesRead() {
    return pageCount;
  }

  /**
   * Reads the next page into the first page-size bytes of {@code dst}.
   *
   * @return its page number, or 0 once the page frames have ended (and on every call after that)
   * @throws LtxException if the frame is malformed or out of order
   */
  public int nextPage(byte[] dst) throws IOException {
    int pgno = nextPageShared(dst);
    if (pgno != 0 && page != dst) {
      System.arraycopy(page, 0, dst, 0, header.pageSize());
    }
    return pgno;
  }

  /**
   * Like {@link #nextPage}, but the page is left where the decoder has it: in {@code dst}, or in a
   * read-ahead buffer of the decoder's own, saving a copy. {@link #sharedPage()} is the array
   * holding it, valid until the next call.
   */
  int nextPageShared(byte[] dst) throws IOException {
    if (dst.length < header.pageSize()) {
      throw new IllegalArgumentException(
          "page buffer has " + dst.length + " bytes, the page size is " + header.pageSize());
    }
    if (state == State.INDEX || state == State.FINISHED) {
      return 0;
    }
    requireState(State.PAGES);
    try {
      if (ahead == null
          && readAhead
          && (long) pageCount * header.pageSize() >= READ_AHEAD_AFTER_BYTES) {
        ahead = FrameReadAhead.start(frames, header.pageSize());
      }
      return ahead == null ? readFrame(dst) : takeFrame(dst);
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  /** The array holding the page last returned by {@link #nextPageShared}. */
  byte[] sharedPage() {
    return page;
  }

  /**
   * The {@linkplain Checksums#page page checksum} of the page last returned by {@link #nextPage},
   * computed in the same CRC pass as the file checksum.
   */
  public long pageChecksum() {
    if (lastPgno == 0) {
      throw new IllegalStateException("no page has been read yet");
    }
    return lastPageChecksum;
  }

  /**
   * Reads (and verifies) any pages not read yet, then the page index and trailer, and checks the
   * file checksum and that the stream ends right after the trailer.
   *
   * @return the verified trailer
   * @throws LtxException describing the first problem found
   */
  public LtxTrailer finish() throws IOException {
    if (state == State.FINISHED) {
      return trailer;
    }
    if (state == State.PAGES) {
      byte[] scratch = new byte[header.pageSize()];
      while (nextPage(scratch) != 0) {
        // drain and verify the remaining pages
      }
    }
    requireState(State.INDEX);
    try {
      readIndex();
      readTrailer();
      state = State.FINISHED;
      return trailer;
    } catch (IOException | RuntimeException e) {
      throw fail(e);
    }
  }

  /** Closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      if (ahead == null) {
        in.close();
        return;
      }
      // Closing the input also ends a read the thread is blocked in.
      ahead.stop();
      try {
        in.close();
      } finally {
        ahead.join();
      }
    }
  }

  private int readFrame(byte[] dst) throws IOException {
    page = dst;
    int pgno = frames.read(dst, frameHeader, 0);
    if (pgno == 0) {
      endOfFrames(frames.frameOffset());
      return 0;
    }
    accept(
        pgno,
        frameHeader,
        0,
        frames.headerLength(),
        frames.frameOffset(),
        frames.frameLength(),
        Crc64.raw(dst, 0, header.pageSize()));
    return pgno;
  }

  private int takeFrame(byte[] dst) throws IOException {
    if (!ahead.next()) {
      endOfFrames(ahead.endOffset());
      return 0;
    }
    int pgno = ahead.pgno();
    page = ahead.page();
    accept(
        pgno,
        ahead.headers(),
        ahead.headerOffset(),
        ahead.headerLength(),
        ahead.frameOffset(),
        ahead.frameLength(),
        ahead.hasRaw() ? ahead.raw() : Crc64.raw(page, 0, header.pageSize()));
    return pgno;
  }

  /**
   * Hashes a frame {@link FrameReader} read and checked, in file order; {@code raw} is {@link
   * Crc64#raw} of its page.
   */
  private void accept(
      int pgno, byte[] hdr, int hdrOff, int hdrLen, long frameOffset, long frameLength, long raw) {
    fileHash.update(hdr, hdrOff, hdrLen);
    fileHash.appendRaw(raw, shift);
    lastPageChecksum = Checksums.pageFromRaw(pgno, raw, shift);
    if (header.isSnapshot()) {
      snapshotXor ^= lastPageChecksum;
    }
    expectedIndex.add(pgno & 0xffffffffL, frameOffset, frameLength);
    pageCount++;
    lastPgno = pgno;
    lastFrameEnd = frameOffset + frameLength;
  }

  private void endOfFrames(long offset) {
    fileHash.update(END_OF_FRAMES, 0, END_OF_FRAMES.length);
    framesEnd = offset;
    state = State.INDEX;
  }

  private static String indexEntryAt(int entry, long entryOffset) {
    return "page index entry #" + entry + " at offset " + entryOffset + ": ";
  }

  private void readIndex() throws IOException {
    HashingSource src = new HashingSource(in, fileHash);
    long indexStart = in.offset();
    IndexEntries index = new IndexEntries();
    while (index.read(src)) {
      // one call per entry, see IndexEntries
    }
    if (index.entries != pageCount) {
      throw new LtxException(
          "page index at offset "
              + indexStart
              + " has "
              + index.entries
              + " entries but the file has "
              + pageCount
              + " page frames");
    }
    if (index.expectedOffset != framesEnd) {
      throw new LtxException(
          "page index entries end at offset "
              + index.expectedOffset
              + " but the page frames end at "
              + framesEnd);
    }
    if (index.hash.value() != expectedIndex.value()) {
      throw new LtxException(
          "page index at offset "
              + indexStart
              + " does not match the page frames read (a page number or frame size differs)");
    }
    long indexLength = src.offset() - indexStart;
    byte[] b = new byte[8];
    long lengthOffset = in.offset();
    in.readFully(b, 0, 8, "the page index length");
    src.flush();
    fileHash.update(b, 0, 8);
    long declared = readLong(b);
    if (declared != indexLength) {
      throw new LtxException(
          "page index length at offset "
              + lengthOffset
              + " is "
              + Long.toUnsignedString(declared)
              + " but the index is "
              + indexLength
              + " bytes");
    }
  }

  /**
   * The page index entries read so far and the checks of the next one. A class of its own for the
   * JIT, as {@code LtxApplier.applyNextPage} explains: a 1 GiB snapshot's 262 144 entries ran
   * interpreted in one loop.
   */
  private final class IndexEntries {
    final IndexHash hash = new IndexHash();
    long expectedOffset = LtxHeader.SIZE;
    long prevPgno = 0;
    int entries = 0;

    /** Reads and checks the next entry; false at the terminating zero page number. */
    boolean read(HashingSource src) throws IOException {
      long entryOffset = src.offset();
      long pgno = Varint.read(src, "a page index entry");
      if (pgno == 0) {
        return false;
      }
      if (entries == pageCount) {
        throw new LtxException(
            indexEntryAt(entries, entryOffset)
                + "the page index has more entries than the "
                + pageCount
                + " page frames");
      }
      long offset = Varint.read(src, "a page index offset");
      long size = Varint.read(src, "a page index size");
      if (Long.compareUnsigned(pgno, prevPgno) <= 0 || pgno > 0xffffffffL) {
        throw new LtxException(
            indexEntryAt(entries, entryOffset)
                + "page "
                + Long.toUnsignedString(pgno)
                + " is not above the previous entry's page "
                + prevPgno);
      }
      if (offset != expectedOffset) {
        throw new LtxException(
            indexEntryAt(entries, entryOffset)
                + "page "
                + pgno
                + " has offset "
                + Long.toUnsignedString(offset)
                + " but its frame starts at "
                + expectedOffset
                + " if the entries before it are right");
      }
      if (size < PageCodec.PAGE_HEADER_SIZE || size > framesEnd - offset) {
        throw new LtxException(
            indexEntryAt(entries, entryOffset)
                + "page "
                + pgno
                + " has frame size "
                + Long.toUnsignedString(size)
                + ", which does not fit between offset "
                + offset
                + " and the end of the frames at "
                + framesEnd);
      }
      hash.add(pgno, offset, size);
      expectedOffset = offset + size;
      prevPgno = pgno;
      entries++;
      return true;
    }
  }

  private void readTrailer() throws IOException {
    long trailerOffset = in.offset();
    byte[] b = new byte[LtxTrailer.SIZE];
    in.readFully(b, 0, LtxTrailer.SIZE, "the trailer");
    fileHash.update(b, 0, 8);
    LtxTrailer t = LtxTrailer.decode(b);
    try {
      t.validate(header);
    } catch (LtxException e) {
      throw new LtxException("trailer at offset " + trailerOffset + ": " + e.getMessage());
    }
    long computed = Checksums.FLAG | fileHash.value();
    if (computed != t.fileChecksum()) {
      throw new LtxException(
          "LTX file checksum mismatch: the trailer at offset "
              + trailerOffset
              + " says "
              + Checksums.format(t.fileChecksum())
              + " but the content hashes to "
              + Checksums.format(computed)
              + "; the file is corrupt");
    }
    if (header.isSnapshot()
        && header.hasChecksums()
        && (Checksums.FLAG | snapshotXor) != t.postApplyChecksum()) {
      throw new LtxException(
          "snapshot post-apply checksum "
              + Checksums.format(t.postApplyChecksum())
              + " differs from the checksum of its pages "
              + Checksums.format(Checksums.FLAG | snapshotXor));
    }
    if (!in.atEnd()) {
      throw new LtxException("unexpected data after the LTX trailer at offset " + in.offset());
    }
    trailer = t;
  }

  private IOException fail(Throwable e) {
    state = State.FAILED;
    if (e instanceof IOException io) {
      return io;
    }
    return new LtxException(
        "unexpected failure decoding LTX data at offset " + in.offset() + ": " + e, e);
  }

  private void requireState(State expected) {
    if (state == expected) {
      return;
    }
    switch (state) {
      case FAILED ->
          throw new IllegalStateException("the LTX decoder failed earlier; the file is unusable");
      case CLOSED -> throw new IllegalStateException("the LTX decoder is closed");
      default ->
          throw new IllegalStateException(
              "LTX decoder is in state " + state + ", expected " + expected);
    }
  }

  static long readLong(byte[] b) {
    return ((long) PageCodec.be32(b, 0) << 32) | (PageCodec.be32(b, 4) & 0xffffffffL);
  }

  /** Passes bytes through while feeding them to the file hash in batches. */
  private static final class HashingSource implements ByteSource {
    private final ByteSource in;
    private final Crc64 hash;
    private final byte[] pending = new byte[4096];
    private int n;

    HashingSource(ByteSource in, Crc64 hash) {
      this.in = in;
      this.hash = hash;
    }

    @Override
    public long offset() {
      return in.offset();
    }

    @Override
    public void readFully(byte[] b, int off, int len, String what) throws IOException {
      in.readFully(b, off, len, what);
      flush();
      hash.update(b, off, len);
    }

    @Override
    public int readByte(String what) throws IOException {
      int b = in.readByte(what);
      if (n == pending.length) {
        flush();
      }
      pending[n++] = (byte) b;
      return b;
    }

    void flush() {
      hash.update(pending, 0, n);
      n = 0;
    }
  }
}
