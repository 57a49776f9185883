package io.litestream4j.ltx;

import java.io.IOException;

/**
 * Unsigned varints as Go's {@code binary.PutUvarint}/{@code ReadUvarint} encode them (7 bits per
 * byte, low group first, high bit = more follows, at most 10 bytes); the page index is made of
 * them.
 */
final class Varint {
  static final int MAX_LENGTH = 10;

  private Varint() {}

  /** Writes {@code v} (unsigned) at {@code pos}; returns the position after it. */
  static int put(byte[] b, int pos, long v) {
    while (Long.compareUnsigned(v, 0x80) >= 0) {
      b[pos++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    b[pos++] = (byte) v;
    return pos;
  }

  /** Reads one varint, rejecting encodings that overflow 64 bits as Go does. */
  static long read(ByteSource src, String what) throws IOException {
    long x = 0;
    int shift = 0;
    long start = src.offset();
    for (int i = 0; i < MAX_LENGTH; i++) {
      int b = src.readByte(what);
      if (b < 0x80) {
        if (i == MAX_LENGTH - 1 && b > 1) {
          break;
        }
        return x | ((long) b << shift);
      }
      x |= (long) (b & 0x7f) << shift;
      shift += 7;
    }
    throw new LtxException("varint overflows 64 bits at offset " + start + " (" + what + ")");
  }
}
