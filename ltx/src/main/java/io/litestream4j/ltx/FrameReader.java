package io.litestream4j.ltx;

import java.io.IOException;

/**
 * Reads the page frames of one LTX file, one at a time, and checks everything a frame can be
 * checked for on its own or against the frames before it: page numbers strictly ascending, within
 * the commit and never the lock page, a snapshot's pages complete, compressed sizes and
 * decompressed lengths (through {@link PageCodec}). Hashes nothing: {@link LtxDecoder} hashes the
 * frames it returns, in file order, so frames can be read ahead on another thread ({@link
 * FrameReadAhead}) without changing what is verified or the order in which problems are reported.
 * Not thread-safe: one thread at a time owns it.
 */
final class FrameReader {
  /** Room for a frame header: page number, flags and the compressed size. */
  static final int MAX_HEADER = PageCodec.PAGE_HEADER_SIZE + 4;

  private final StreamInput in;
  private final LtxHeader header;
  private final PageCodec codec;
  private final int lockPgno;
  private int lastPgno;
  private long frameOffset;
  private int headerLength;

  FrameReader(StreamInput in, LtxHeader header) {
    this.in = in;
    this.header = header;
    this.codec = new PageCodec(header.pageSize());
    this.lockPgno = header.lockPgno();
  }

  /**
   * Reads the next frame: its header bytes into {@code hdr} from {@code hdrOff} ({@link
   * #headerLength()} of them), its page into the first page-size bytes of {@code dst}.
   *
   * @return the page number, or 0 for the all-zero header that ends the frames (its offset is then
   *     {@link #frameOffset()})
   */
  int read(byte[] dst, byte[] hdr, int hdrOff) throws IOException {
    frameOffset = in.offset();
    in.readFully(hdr, hdrOff, PageCodec.PAGE_HEADER_SIZE, "a page header");
    headerLength = PageCodec.PAGE_HEADER_SIZE;
    int pgno = PageCodec.be32(hdr, hdrOff);
    int flags = ((hdr[hdrOff + 4] & 0xff) << 8) | (hdr[hdrOff + 5] & 0xff);
    if (pgno == 0 && flags == 0) {
      endOfPages();
      return 0;
    }
    checkPage(pgno, flags);
    if ((flags & PageCodec.FLAG_SIZE) != 0) {
      in.readFully(hdr, hdrOff + PageCodec.PAGE_HEADER_SIZE, 4, "the compressed size", pgno);
      headerLength = MAX_HEADER;
      codec.readBlock(
          in, pgno, frameOffset, PageCodec.be32(hdr, hdrOff + PageCodec.PAGE_HEADER_SIZE), dst);
    } else {
      codec.readLegacy(in, pgno, frameOffset, dst);
    }
    lastPgno = pgno;
    return pgno;
  }

  /** File offset of the frame last read. */
  long frameOffset() {
    return frameOffset;
  }

  /** Bytes of the frame header last read: 6, or 10 with a compressed size. */
  int headerLength() {
    return headerLength;
  }

  /** Bytes of the frame last read, header included. */
  long frameLength() {
    return in.offset() - frameOffset;
  }

  private void checkPage(int pgno, int flags) throws LtxException {
    if (pgno == 0) {
      throw new LtxException(
          pageHeaderAt()
              + String.format(
                  "page number 0 with flags 0x%04x (only an all-zero header may end the pages)",
                  flags));
    }
    PageCodec.checkFlags(pgno, flags, frameOffset);
    if (pgno < 0 || pgno > header.commit()) {
      throw new LtxException(
          pageHeaderAt()
              + "page "
              + Integer.toUnsignedString(pgno)
              + " is above the commit size of "
              + header.commit()
              + " pages");
    }
    if (pgno == lockPgno) {
      throw new LtxException(
          pageHeaderAt()
              + "page "
              + pgno
              + " is the lock page for "
              + header.pageSize()
              + "-byte pages, which an LTX file never contains");
    }
    if (pgno <= lastPgno) {
      throw new LtxException(
          pageHeaderAt()
              + "page "
              + pgno
              + (pgno == lastPgno ? " appears twice" : " follows page " + lastPgno)
              + ": pages must be in strictly ascending order");
    }
    if (header.isSnapshot() && pgno != nextExpected(lastPgno)) {
      throw new LtxException(
          pageHeaderAt()
              + "snapshot skips pages "
              + nextExpected(lastPgno)
              + ".."
              + (pgno - 1)
              + ": a snapshot must contain every page up to its commit");
    }
  }

  private void endOfPages() throws LtxException {
    if (header.isSnapshot()) {
      int expectedLast = header.commit() == lockPgno ? lockPgno - 1 : header.commit();
      if (lastPgno != expectedLast) {
        throw new LtxException(
            "snapshot ends after page "
                + lastPgno
                + " but its commit is "
                + header.commit()
                + ": pages "
                + nextExpected(lastPgno)
                + ".."
                + header.commit()
                + " are missing");
      }
    }
  }

  private String pageHeaderAt() {
    return "page header at offset " + frameOffset + ": ";
  }

  private int nextExpected(int pgno) {
    return pgno + 1 == lockPgno ? pgno + 2 : pgno + 1;
  }
}
