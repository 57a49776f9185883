package io.litestream4j.ltx;

import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes one LZ4 block (the LZ4 block format: sequences of a token, literal length bytes,
 * literals, a 2-byte little-endian match offset and match length bytes; the last sequence holds
 * literals only) without lz4-java.
 *
 * <p>Why it exists: start-up. {@code LZ4Factory.safeInstance()} builds all its implementations
 * through reflection, which spins method-handle classes at run time and costs about 7 ms of a short
 * command-line run; a small restore decompresses only a few pages and should not pay it. {@link
 * PageCodec} decodes its first {@link PageCodec#JAVA_DECOMPRESS_BYTES} with this class and only
 * then loads lz4-java's native decompressor.
 *
 * <p>What it guarantees: it is safe on hostile input. Every read of the source and every write of
 * the destination is bounds-checked before it happens, nothing outside {@code src[srcOff ..
 * srcOff+srcLen)} is read and nothing outside {@code dst[dstOff .. dstOff+maxLen)} is read or
 * written (a match may only refer to bytes this call produced), and malformed input ends in an
 * {@link IllegalArgumentException} saying what is wrong at which byte of the block. For every block
 * lz4-java's safe decompressor accepts, it produces the same bytes; it does not enforce the block
 * format's optional end-of-block conditions (last 5 bytes literals, last match starting at least 12
 * bytes before the end), which lz4-java's safe decompressor checks only loosely, so it also accepts
 * a few valid blocks lz4-java would refuse. It rejects match offset 0, which the format declares
 * invalid and lz4-java lets through.
 */
final class Lz4Block {
  /** Shortest match: a match length field of 0 means 4 bytes. */
  private static final int MIN_MATCH = 4;

  /** Inputs from this length on have no bound (as in lz4-java and the reference library). */
  private static final int MAX_INPUT_SIZE = 0x7E000000;

  private Lz4Block() {}

  /**
   * The largest LZ4 block {@code length} bytes can compress to: {@code length + length / 255 + 16},
   * the same bound as lz4-java's {@code LZ4Compressor.maxCompressedLength}.
   *
   * @throws IllegalArgumentException if {@code length} is negative or at least 0x7E000000
   */
  static int maxCompressedLength(int length) {
    if (length < 0 || length >= MAX_INPUT_SIZE) {
      throw new IllegalArgumentException(
          "length must be in 0.." + (MAX_INPUT_SIZE - 1) + ", got " + length);
    }
    return length + length / 255 + 16;
  }

  /**
   * Decodes the LZ4 block in exactly {@code src[srcOff .. srcOff+srcLen)} into {@code dst} from
   * {@code dstOff}, producing at most {@code maxLen} bytes.
   *
   * @return the number of bytes produced
   * @throws IllegalArgumentException if the block is malformed: empty, ends inside a sequence or
   *     after a match, has a match offset of 0 or one pointing before {@code dstOff}, a length that
   *     overflows an int, or would produce more than {@code maxLen} bytes
   * @throws IndexOutOfBoundsException if the ranges given do not lie within the arrays (a bug of
   *     the caller, not of the data)
   */
  static int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int maxLen) {
    Objects.checkFromIndexSize(srcOff, srcLen, src.length);
    Objects.checkFromIndexSize(dstOff, maxLen, dst.length);
    final int srcEnd = srcOff + srcLen;
    final int dstEnd = dstOff + maxLen;
    int s = srcOff;
    int d = dstOff;
    while (true) {
      if (s == srcEnd) {
        throw s == srcOff
            ? malformed("empty block: no token")
            : malformed(
                "block ends at byte "
                    + (s - srcOff)
                    + " after a match: the last sequence must hold literals only");
      }
      final int tokenAt = s - srcOff;
      final int token = src[s++] & 0xff;

      int literals = token >>> 4;
      if (literals == 15) {
        literals = extendedLength(src, s, srcEnd, literals, "literal", tokenAt);
        s += extensionBytes(literals, 15);
      }
      if (literals > srcEnd - s) {
        throw malformed(
            "sequence at byte "
                + tokenAt
                + " has "
                + literals
                + " literals but only "
                + (srcEnd - s)
                + " bytes of the block are left");
      }
      if (literals > dstEnd - d) {
        throw tooLong(maxLen, tokenAt);
      }
      System.arraycopy(src, s, dst, d, literals);
      s += literals;
      d += literals;
      if (s == srcEnd) {
        // The last sequence: literals only. Its match length field means nothing.
        return d - dstOff;
      }

      if (srcEnd - s < 2) {
        throw malformed("block ends inside the match offset of the sequence at byte " + tokenAt);
      }
      final int offset = (src[s] & 0xff) | ((src[s + 1] & 0xff) << 8);
      if (offset == 0) {
        throw malformed("match offset 0 (invalid) at byte " + (s - srcOff));
      }
      if (offset > d - dstOff) {
        throw malformed(
            "match offset "
                + offset
                + " at byte "
                + (s - srcOff)
                + " points before the start of the output ("
                + (d - dstOff)
                + " bytes decoded so far)");
      }
      s += 2;

      int matchLen = (token & 0x0f) + MIN_MATCH;
      if ((token & 0x0f) == 15) {
        matchLen = extendedLength(src, s, srcEnd, matchLen, "match", tokenAt);
        s += extensionBytes(matchLen, 15 + MIN_MATCH);
      }
      if (matchLen > dstEnd - d) {
        throw tooLong(maxLen, tokenAt);
      }
      copyMatch(dst, d, offset, matchLen);
      d += matchLen;
    }
  }

  /**
   * Copies {@code len} bytes from {@code offset} bytes back to {@code dst[d ..]}, with the result
   * of a forward byte-by-byte copy when the two overlap ({@code offset < len}: the copy repeats the
   * last {@code offset} bytes). System.arraycopy alone would copy overlapping ranges as if through
   * a temporary array, so overlapping matches are copied in chunks that never overlap: the source
   * range {@code [from, d)} is periodic with period {@code offset} and doubles with each chunk.
   */
  private static void copyMatch(byte[] dst, int d, int offset, int len) {
    final int from = d - offset;
    if (offset >= len) {
      System.arraycopy(dst, from, dst, d, len);
    } else if (offset == 1) {
      Arrays.fill(dst, d, d + len, dst[from]);
    } else {
      final int end = d + len;
      while (d < end) {
        int n = Math.min(d - from, end - d);
        System.arraycopy(dst, from, dst, d, n);
        d += n;
      }
    }
  }

  /**
   * A length whose token field was 15: {@code base} plus the bytes from {@code s} on, up to and
   * including the first that is not 255. Those bytes number {@link #extensionBytes}.
   */
  private static int extendedLength(
      byte[] src, int s, int srcEnd, int base, String kind, int tokenAt) {
    int length = base;
    int b;
    do {
      if (s == srcEnd) {
        throw malformed(
            "block ends inside the " + kind + " length of the sequence at byte " + tokenAt);
      }
      b = src[s++] & 0xff;
      length += b;
      if (length < 0) {
        throw malformed(kind + " length of the sequence at byte " + tokenAt + " overflows an int");
      }
    } while (b == 255);
    return length;
  }

  /**
   * How many bytes {@link #extendedLength} read to reach {@code length} from {@code base}: one per
   * 255 added, plus the last, which is below 255.
   */
  private static int extensionBytes(int length, int base) {
    return (length - base) / 255 + 1;
  }

  private static IllegalArgumentException tooLong(int maxLen, int tokenAt) {
    return malformed(
        "sequence at byte " + tokenAt + " decompresses past the " + maxLen + " bytes of room");
  }

  private static IllegalArgumentException malformed(String what) {
    return new IllegalArgumentException(what);
  }
}
