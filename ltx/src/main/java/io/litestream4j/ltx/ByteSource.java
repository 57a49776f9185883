package io.litestream4j.ltx;

import java.io.IOException;

/**
 * Sequential bytes with a known absolute file offset, so parsers shared by the streaming decoder
 * and the random-access page index can report exactly where a file went wrong. Reading past the end
 * throws an {@link LtxException} saying what was being read.
 */
interface ByteSource {
  /** Absolute offset in the LTX file of the next byte. */
  long offset();

  /** Reads exactly {@code len} bytes or fails with a truncation error naming {@code what}. */
  void readFully(byte[] b, int off, int len, String what) throws IOException;

  /**
   * Reads exactly {@code len} bytes of page {@code pgno}; on truncation the error names {@code
   * what} "of page" {@code pgno}. Exists so the per-page reads of a restore build no message unless
   * one is needed.
   */
  default void readFully(byte[] b, int off, int len, String what, int pgno) throws IOException {
    readFully(b, off, len, what + " of page " + Integer.toUnsignedString(pgno));
  }

  /** Reads one unsigned byte or fails with a truncation error naming {@code what}. */
  int readByte(String what) throws IOException;

  static LtxException truncated(long offset, String what) {
    return new LtxException(
        "LTX file is truncated: unexpected end of data at offset "
            + offset
            + " while reading "
            + what);
  }
}
