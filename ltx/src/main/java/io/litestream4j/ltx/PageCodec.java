package io.litestream4j.ltx;

import java.io.IOException;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Compresses and decompresses the data of one page frame. Current frames (flag {@link #FLAG_SIZE})
 * hold a 4-byte size and one LZ4 block; legacy frames hold an LZ4 frame stream, parsed here by hand
 * so it can never read past its own end or allocate more than a bounded buffer.
 *
 * <p>Every size read from the file is checked against the page size before anything is allocated or
 * read, and decompression is bounds-checked ({@link Lz4Block}, then lz4-java's safe decompressor),
 * so hostile bytes end in an {@link LtxException}. One instance per file/page size (holds a scratch
 * buffer); not thread-safe.
 */
final class PageCodec {
  /** Page frame flag: a 4-byte compressed size follows and the data is one LZ4 block. */
  static final int FLAG_SIZE = 0x0001;

  /** Bytes of the page header: page number (4) and flags (2). */
  static final int PAGE_HEADER_SIZE = 6;

  /**
   * Bytes a codec decompresses with {@link Lz4Block}, our own pure-Java decoder, before it asks for
   * lz4-java's native decompressor ({@link Lz4Native}, loaded in the background) and switches to it
   * once loaded. Loading costs ~28 ms and even lz4-java's pure-Java decompressor ~7 ms of start-up
   * ({@code LZ4Factory} builds its implementations through reflection), so a small restore touches
   * no {@code LZ4Factory} at all; past a few MiB the native decompressor's speed pays for loading
   * it. Both decoders are bounds-checked (safe on hostile input).
   */
  static final long JAVA_DECOMPRESS_BYTES = 2L << 20;

  private static final int LZ4_FRAME_MAGIC = 0x184D2204;

  private final int pageSize;
  private final int maxCompressed;
  private final byte[] scratch;
  private long decompressed;

  /** Null until this codec has switched to lz4-java's native decompressor (then kept). */
  private LZ4SafeDecompressor nativeDecompressor;

  PageCodec(int pageSize) {
    this.pageSize = pageSize;
    this.maxCompressed = Lz4Block.maxCompressedLength(pageSize);
    this.scratch = new byte[maxCompressed];
  }

  /** Largest compressed size of one page: the bound on a block frame's size prefix. */
  int maxCompressedLength() {
    return maxCompressed;
  }

  /** Largest encoded frame (header, size prefix, data) this codec accepts, current or legacy. */
  long maxFrameSize() {
    // A legacy frame: header and descriptor (4 + 15), per block 4 + data + 4, end mark, checksum.
    // Blocks yield at least one byte each, but real writers emit one block per page; allow the
    // stored-uncompressed worst case with some blocks of slack.
    return PAGE_HEADER_SIZE + 4L + 19 + 8 + 64 * 8L + (long) maxCompressed + pageSize;
  }

  /**
   * Compresses {@code pageSize} bytes of {@code page} into {@code dst} at {@code dstOff}; returns
   * the length.
   */
  int compress(byte[] page, int off, byte[] dst, int dstOff) {
    return Lz4Native.compressor().compress(page, off, pageSize, dst, dstOff, maxCompressed);
  }

  /**
   * Reads a block frame's data (the size prefix was read: {@code size}) into {@code dst}.
   *
   * @param frameOffset file offset of the frame, for messages
   */
  void readBlock(ByteSource src, int pgno, long frameOffset, int size, byte[] dst)
      throws IOException {
    if (size <= 0 || size > maxCompressed) {
      throw new LtxException(
          "page "
              + pgno
              + " (frame at offset "
              + frameOffset
              + "): compressed size "
              + Integer.toUnsignedString(size)
              + " is impossible for a "
              + pageSize
              + "-byte page (1.."
              + maxCompressed
              + ")");
    }
    src.readFully(scratch, 0, size, "the compressed data", pgno);
    decompressBlock(scratch, size, dst, 0, pageSize, pgno, frameOffset, true);
  }

  /** Reads a legacy frame's data (an LZ4 frame stream) into {@code dst}. */
  void readLegacy(ByteSource src, int pgno, long frameOffset, byte[] dst) throws IOException {
    String where = "page " + pgno + " (legacy LZ4 frame at offset " + frameOffset + "): ";
    byte[] word = new byte[8];
    src.readFully(word, 0, 4, "the LZ4 frame magic of page " + pgno);
    int magic = le32(word, 0);
    if (magic != LZ4_FRAME_MAGIC) {
      throw new LtxException(
          where
              + String.format(
                  "bad LZ4 frame magic 0x%08x, expected 0x%08x", magic, LZ4_FRAME_MAGIC));
    }
    int flg = src.readByte("the LZ4 frame descriptor of page " + pgno);
    int bd = src.readByte("the LZ4 frame descriptor of page " + pgno);
    if ((flg >>> 6) != 1) {
      throw new LtxException(where + "unsupported LZ4 frame version " + (flg >>> 6));
    }
    if ((flg & 0x02) != 0 || (bd & 0x8f) != 0) {
      throw new LtxException(
          where
              + String.format(
                  "reserved LZ4 frame descriptor bits set (FLG 0x%02x, BD 0x%02x)", flg, bd));
    }
    if ((flg & 0x01) != 0) {
      throw new LtxException(where + "LZ4 frame needs a dictionary, which LTX never uses");
    }
    int blockSizeId = (bd >>> 4) & 0x7;
    if (blockSizeId < 4) {
      throw new LtxException(where + "invalid LZ4 block size id " + blockSizeId);
    }
    int blockMax = 1 << (8 + 2 * blockSizeId);
    boolean blockChecksums = (flg & 0x10) != 0;
    boolean contentChecksum = (flg & 0x04) != 0;
    if ((flg & 0x08) != 0) {
      src.readFully(word, 0, 8, "the LZ4 frame content size of page " + pgno);
      long contentSize = (le32(word, 0) & 0xffffffffL) | ((long) le32(word, 4) << 32);
      if (contentSize != pageSize) {
        throw new LtxException(
            where
                + "LZ4 frame content size is "
                + Long.toUnsignedString(contentSize)
                + ", expected the page size "
                + pageSize);
      }
    }
    // Header checksum byte: not verified (the LTX file checksum covers the decompressed page).
    src.readByte("the LZ4 frame header checksum of page " + pgno);

    int produced = 0;
    while (true) {
      src.readFully(word, 0, 4, "an LZ4 block size of page " + pgno);
      int sizeWord = le32(word, 0);
      if (sizeWord == 0) {
        break;
      }
      boolean stored = sizeWord < 0;
      int size = sizeWord & 0x7fffffff;
      int room = Math.min(pageSize - produced, blockMax);
      if (room == 0) {
        throw new LtxException(where + "LZ4 frame holds more than the page size " + pageSize);
      }
      int bound = stored ? room : Lz4Block.maxCompressedLength(room);
      if (size == 0 || size > bound) {
        throw new LtxException(
            where
                + "LZ4 block size "
                + size
                + " at offset "
                + (src.offset() - 4)
                + " is impossible with "
                + room
                + " bytes of the page left");
      }
      if (stored) {
        src.readFully(dst, produced, size, "an uncompressed LZ4 block of page " + pgno);
      } else {
        src.readFully(scratch, 0, size, "an LZ4 block of page " + pgno);
      }
      if (blockChecksums) {
        src.readFully(word, 0, 4, "an LZ4 block checksum of page " + pgno);
        int actual =
            stored
                ? LegacyChecksum.XXHASH32.hash(dst, produced, size, 0)
                : LegacyChecksum.XXHASH32.hash(scratch, 0, size, 0);
        if (actual != le32(word, 0)) {
          throw new LtxException(where + "LZ4 block checksum mismatch");
        }
      }
      produced +=
          stored
              ? size
              : decompressBlock(scratch, size, dst, produced, room, pgno, frameOffset, false);
    }
    if (produced != pageSize) {
      throw new LtxException(
          where
              + "LZ4 frame decompressed to "
              + produced
              + " bytes, expected the page size "
              + pageSize);
    }
    if (contentChecksum) {
      src.readFully(word, 0, 4, "the LZ4 content checksum of page " + pgno);
      if (LegacyChecksum.XXHASH32.hash(dst, 0, pageSize, 0) != le32(word, 0)) {
        throw new LtxException(where + "LZ4 content checksum mismatch");
      }
    }
  }

  /** Decodes a frame from its complete bytes (as the page index reads them). */
  int decodeFrame(byte[] frame, long frameOffset, int expectedPgno, byte[] dst) throws IOException {
    ArraySource src = new ArraySource(frame, frameOffset);
    byte[] hdr = new byte[PAGE_HEADER_SIZE];
    src.readFully(hdr, 0, PAGE_HEADER_SIZE, "a page header");
    int pgno = be32(hdr, 0);
    int flags = ((hdr[4] & 0xff) << 8) | (hdr[5] & 0xff);
    if (pgno != expectedPgno) {
      throw new LtxException(
          "page index points at offset "
              + frameOffset
              + " for page "
              + expectedPgno
              + " but the frame there is for page "
              + Integer.toUnsignedString(pgno));
    }
    checkFlags(pgno, flags, frameOffset);
    if ((flags & FLAG_SIZE) != 0) {
      src.readFully(hdr, 0, 4, "the compressed size of page " + pgno);
      readBlock(src, pgno, frameOffset, be32(hdr, 0), dst);
    } else {
      readLegacy(src, pgno, frameOffset, dst);
    }
    if (src.remaining() != 0) {
      throw new LtxException(
          "page "
              + pgno
              + " (frame at offset "
              + frameOffset
              + "): the page index says the frame is "
              + frame.length
              + " bytes but it ends after "
              + (frame.length - src.remaining()));
    }
    return pgno;
  }

  static void checkFlags(int pgno, int flags, long frameOffset) throws LtxException {
    if ((flags & ~FLAG_SIZE) != 0) {
      throw new LtxException(
          String.format(
              "page %s (frame at offset %d): invalid page header flags 0x%04x, only 0x0001 is defined",
              Integer.toUnsignedString(pgno), frameOffset, flags));
    }
  }

  private int decompressBlock(
      byte[] src,
      int len,
      byte[] dst,
      int dstOff,
      int room,
      int pgno,
      long frameOffset,
      boolean exact)
      throws LtxException {
    int n;
    try {
      LZ4SafeDecompressor fast = nativeDecompressor();
      n =
          fast == null
              ? Lz4Block.decompress(src, 0, len, dst, dstOff, room)
              : fast.decompress(src, 0, len, dst, dstOff, room);
      decompressed += n;
    } catch (RuntimeException e) {
      throw new LtxException(
          "page "
              + pgno
              + " (frame at offset "
              + frameOffset
              + "): corrupt LZ4 data: "
              + e.getMessage(),
          e);
    }
    if (exact ? n != pageSize : n <= 0) {
      throw new LtxException(
          "page "
              + pgno
              + " (frame at offset "
              + frameOffset
              + "): LZ4 block decompressed to "
              + n
              + " bytes, expected "
              + (exact ? "the page size " + pageSize : "at least 1"));
    }
    return n;
  }

  /**
   * The native decompressor once this codec has decompressed {@link #JAVA_DECOMPRESS_BYTES} and it
   * is loaded; null (use {@link Lz4Block}) before.
   */
  private LZ4SafeDecompressor nativeDecompressor() {
    if (nativeDecompressor == null && decompressed >= JAVA_DECOMPRESS_BYTES) {
      Lz4Native.loadInBackground();
      nativeDecompressor = Lz4Native.decompressorIfLoaded();
    }
    return nativeDecompressor;
  }

  /** Only legacy frames carry xxHash checksums: loaded on first use, not by every restore. */
  private static final class LegacyChecksum {
    static final XXHash32 XXHASH32 = XXHashFactory.fastestInstance().hash32();
  }

  static int be32(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  static int le32(byte[] b, int off) {
    return (b[off] & 0xff)
        | ((b[off + 1] & 0xff) << 8)
        | ((b[off + 2] & 0xff) << 16)
        | ((b[off + 3] & 0xff) << 24);
  }
}
