package io.litestream4j.ltx;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes one LTX v3 file to a stream, page by page: the header on construction, one frame per
 * {@link #writePage}, then the end marker, page index and trailer on {@link #finish}.
 *
 * <p>Guarantees: the output is byte-compatible with Litestream (LZ4 block frames, flag 0x0001);
 * pages are strictly ascending, never the lock page, never above the commit; a snapshot holds every
 * page 1..commit except the lock page and its post-apply checksum must equal the checksum of those
 * pages. Memory stays bounded: only 12 bytes of index per page are kept, never page data. After any
 * error the encoder refuses further use and the output must be discarded.
 *
 * <p>{@link #close()} closes the underlying stream; closing without {@link #finish} leaves an
 * incomplete file (write to a temporary file and publish it only after {@code finish}). Not
 * thread-safe.
 */
public final class LtxEncoder implements Closeable {
  private final OutputStream out;
  private final LtxHeader header;
  private final PageCodec codec;
  private final Crc64Shift shift;
  private final Crc64 fileHash = new Crc64();
  private final int lockPgno;
  private final byte[] frame;

  private int[] pgnos = new int[64];
  private int[] sizes = new int[64];
  private int pageCount;
  private long bytesWritten;
  private int lastPgno;
  private long snapshotXor; // xor of page checksums, tracked for snapshots
  private State state = State.PAGES;
  private LtxTrailer trailer;

  private enum State {
    PAGES,
    FINISHED,
    FAILED,
    CLOSED
  }

  /**
   * Validates {@code header} and writes it.
   *
   * @throws LtxException if the header breaks a rule of the format
   */
  public LtxEncoder(OutputStream out, LtxHeader header) throws IOException {
    this.out = Objects.requireNonNull(out, "out");
    this.header = Objects.requireNonNull(header, "header").validate();
    this.codec = new PageCodec(header.pageSize());
    this.shift = Crc64Shift.forPageSize(header.pageSize());
    this.lockPgno = header.lockPgno();
    this.frame = new byte[PageCodec.PAGE_HEADER_SIZE + 4 + codec.maxCompressedLength()];
    write(header.encode(), 0, LtxHeader.SIZE, true);
  }

  public LtxHeader header() {
    return header;
  }

  /** Bytes written to the stream so far. */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Pages written so far. */
  public int pageCount() {
    return pageCount;
  }

  /** The trailer, once {@link #finish} succeeded. */
  public LtxTrailer trailer() {
    if (trailer == null) {
      throw new IllegalStateException("the LTX file is not finished yet");
    }
    return trailer;
  }

  /**
   * Writes page {@code pgno}; {@code data} must be exactly the page size.
   *
   * @return the {@linkplain Checksums#page page checksum} of the page, computed from the same CRC
   *     pass as the file checksum: feed it to {@link DatabaseChecksum#setPageChecksum}
   * @throws LtxException if the page breaks the order, lock-page, commit or snapshot rules
   */
  public long writePage(int pgno, byte[] data) throws IOException {
    if (data.length != header.pageSize()) {
      throw new IllegalArgumentException(
          "page " + pgno + " has " + data.length + " bytes, the page size is " + header.pageSize());
    }
    return writePage(pgno, data, 0);
  }

  /** Writes page {@code pgno} from page-size bytes of {@code data} starting at {@code off}. */
  public long writePage(int pgno, byte[] data, int off) throws IOException {
    Objects.checkFromIndexSize(off, header.pageSize(), data.length);
    requireState();
    try {
      checkPage(pgno);
      long raw = Crc64.raw(data, off, header.pageSize());
      long pageChecksum = Checksums.pageFromRaw(pgno, raw, shift);

      int n = codec.compress(data, off, frame, PageCodec.PAGE_HEADER_SIZE + 4);
      putInt(frame, 0, pgno);
      frame[4] = 0;
      frame[5] = (byte) PageCodec.FLAG_SIZE;
      putInt(frame, 6, n);
      fileHash.update(frame, 0, PageCodec.PAGE_HEADER_SIZE + 4).appendRaw(raw, shift);
      int frameSize = PageCodec.PAGE_HEADER_SIZE + 4 + n;
      write(frame, 0, frameSize, false);

      addIndexEntry(pgno, frameSize);
      lastPgno = pgno;
      if (header.isSnapshot()) {
        snapshotXor ^= pageChecksum;
      }
      return pageChecksum;
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /**
   * Ends the file: zero page header, page index and trailer.
   *
   * @param postApplyChecksum the database checksum after this file; 0 if the header has flag 0x2
   * @return the trailer written
   * @throws LtxException if a snapshot lacks pages or the post-apply checksum is invalid or, for a
   *     snapshot, differs from the checksum of its pages
   */
  public LtxTrailer finish(long postApplyChecksum) throws IOException {
    requireState();
    try {
      LtxTrailer.checkPostApply(header, postApplyChecksum);
      if (header.isSnapshot()) {
        int expectedLast = header.commit() == lockPgno ? lockPgno - 1 : header.commit();
        if (lastPgno != expectedLast) {
          throw new LtxException(
              "snapshot "
                  + header.fileName()
                  + " is missing pages "
                  + nextExpected(lastPgno)
                  + ".."
                  + header.commit()
                  + ": a snapshot must contain every page up to its commit");
        }
        if (header.hasChecksums() && (Checksums.FLAG | snapshotXor) != postApplyChecksum) {
          throw new LtxException(
              "snapshot "
                  + header.fileName()
                  + ": post-apply checksum "
                  + Checksums.format(postApplyChecksum)
                  + " differs from the checksum of its pages "
                  + Checksums.format(Checksums.FLAG | snapshotXor));
        }
      }
      if (header.hasChecksums()
          && header.commit() == 0
          && postApplyChecksum != Checksums.EMPTY_DATABASE) {
        throw new LtxException(
            "post-apply checksum of an empty database (commit 0) must be "
                + Checksums.format(Checksums.EMPTY_DATABASE)
                + ", got "
                + Checksums.format(postApplyChecksum));
      }
      writeEnd(postApplyChecksum);
      state = State.FINISHED;
      return trailer;
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /** Closes the underlying stream. Does not finish the file. */
  @Override
  public void close() throws IOException {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      out.close();
    }
  }

  private void checkPage(int pgno) throws LtxException {
    String file = header.fileName().name();
    if (pgno < 1) {
      throw new LtxException(
          file + ": page number must be at least 1, got " + Integer.toUnsignedString(pgno));
    }
    if (pgno == lockPgno) {
      throw new LtxException(
          file
              + ": page "
              + pgno
              + " is the lock page for "
              + header.pageSize()
              + "-byte pages and must never be written to an LTX file");
    }
    if (pgno > header.commit()) {
      throw new LtxException(
          file + ": page " + pgno + " is above the commit size of " + header.commit() + " pages");
    }
    if (pgno <= lastPgno) {
      throw new LtxException(
          file
              + ": page "
              + pgno
              + (pgno == lastPgno ? " written twice" : " after page " + lastPgno)
              + ": pages must be written in strictly ascending order");
    }
    if (header.isSnapshot() && pgno != nextExpected(lastPgno)) {
      throw new LtxException(
          file
              + ": snapshot is missing pages "
              + nextExpected(lastPgno)
              + ".."
              + (pgno - 1)
              + ": a snapshot must contain every page up to its commit (page "
              + pgno
              + " came next)");
    }
  }

  private int nextExpected(int pgno) {
    return pgno + 1 == lockPgno ? pgno + 2 : pgno + 1;
  }

  private void addIndexEntry(int pgno, int frameSize) {
    if (pageCount == pgnos.length) {
      int n = pgnos.length * 2;
      pgnos = Arrays.copyOf(pgnos, n);
      sizes = Arrays.copyOf(sizes, n);
    }
    pgnos[pageCount] = pgno;
    sizes[pageCount] = frameSize;
    pageCount++;
  }

  private void writeEnd(long postApplyChecksum) throws IOException {
    byte[] zero = new byte[PageCodec.PAGE_HEADER_SIZE];
    write(zero, 0, zero.length, true);

    byte[] buf = new byte[8192];
    int pos = 0;
    long indexBytes = 0;
    long offset = LtxHeader.SIZE;
    for (int i = 0; i < pageCount; i++) {
      if (pos > buf.length - 3 * Varint.MAX_LENGTH) {
        write(buf, 0, pos, true);
        indexBytes += pos;
        pos = 0;
      }
      pos = Varint.put(buf, pos, pgnos[i] & 0xffffffffL);
      pos = Varint.put(buf, pos, offset);
      pos = Varint.put(buf, pos, sizes[i]);
      offset += sizes[i];
    }
    if (pos > buf.length - 25) {
      write(buf, 0, pos, true);
      indexBytes += pos;
      pos = 0;
    }
    pos = Varint.put(buf, pos, 0);
    indexBytes += pos;
    putLong(buf, pos, indexBytes);
    pos += 8;
    putLong(buf, pos, postApplyChecksum);
    pos += 8;
    fileHash.update(buf, 0, pos);
    long fileChecksum = Checksums.FLAG | fileHash.value();
    putLong(buf, pos, fileChecksum);
    pos += 8;
    write(buf, 0, pos, false);
    out.flush();
    trailer = new LtxTrailer(postApplyChecksum, fileChecksum);
  }

  private void write(byte[] b, int off, int len, boolean hash) throws IOException {
    if (hash) {
      fileHash.update(b, off, len);
    }
    out.write(b, off, len);
    bytesWritten += len;
  }

  private void requireState() {
    switch (state) {
      case PAGES -> {}
      case FINISHED -> throw new IllegalStateException("the LTX file is already finished");
      case FAILED ->
          throw new IllegalStateException("the LTX encoder failed earlier; discard the output");
      case CLOSED -> throw new IllegalStateException("the LTX encoder is closed");
    }
  }

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  static void putLong(byte[] b, int off, long v) {
    putInt(b, off, (int) (v >>> 32));
    putInt(b, off + 4, (int) v);
  }
}
