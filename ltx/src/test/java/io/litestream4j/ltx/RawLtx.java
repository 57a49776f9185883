package io.litestream4j.ltx;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;

/**
 * Test-only builder of LTX bytes that may break any rule while still carrying a correct file
 * checksum, so decoder tests hit the structural check they target rather than the checksum.
 */
final class RawLtx {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Crc64 hash = new Crc64();
  private final List<long[]> frames = new ArrayList<>();
  private final int pageSize;
  private long indexStart = -1;

  RawLtx(LtxHeader header) {
    this.pageSize = header.pageSize();
    both(header.encode());
  }

  RawLtx(byte[] rawHeader, int pageSize) {
    this.pageSize = pageSize;
    both(rawHeader);
  }

  int size() {
    return out.size();
  }

  /** A current frame: flag 0x0001, size prefix, one LZ4 block. */
  RawLtx page(int pgno, byte[] page) {
    byte[] c = LZ4Factory.fastestInstance().fastCompressor().compress(page);
    return frame(pgno, 1, c, page);
  }

  /** A legacy frame: flags 0, an LZ4 frame stream. */
  RawLtx legacyPage(int pgno, byte[] lz4Frame, byte[] page) {
    long offset = out.size();
    byte[] h = new byte[6];
    LtxEncoder.putInt(h, 0, pgno);
    both(h);
    out.writeBytes(lz4Frame);
    hash.update(page);
    frames.add(new long[] {pgno, offset, out.size() - offset});
    return this;
  }

  /**
   * A frame with arbitrary flags and stored bytes; {@code hashed} is the page data the checksum
   * covers.
   */
  RawLtx frame(int pgno, int flags, byte[] stored, byte[] hashed) {
    long offset = out.size();
    byte[] h = new byte[10];
    LtxEncoder.putInt(h, 0, pgno);
    h[4] = (byte) (flags >>> 8);
    h[5] = (byte) flags;
    LtxEncoder.putInt(h, 6, stored.length);
    both(h);
    out.writeBytes(stored);
    hash.update(hashed);
    frames.add(new long[] {pgno, offset, out.size() - offset});
    return this;
  }

  RawLtx bytes(byte[] b) {
    both(b);
    return this;
  }

  /** End marker, an index matching the frames, its length, and the trailer. */
  byte[] finish(long post) {
    return endPages().index(frames).finishAfterIndex(post);
  }

  RawLtx endPages() {
    both(new byte[6]);
    indexStart = out.size();
    return this;
  }

  RawLtx index(List<long[]> entries) {
    byte[] buf = new byte[30];
    for (long[] e : entries) {
      int n = Varint.put(buf, 0, e[0]);
      n = Varint.put(buf, n, e[1]);
      n = Varint.put(buf, n, e[2]);
      both(java.util.Arrays.copyOf(buf, n));
    }
    both(new byte[] {0});
    return this;
  }

  List<long[]> frames() {
    return frames;
  }

  byte[] finishAfterIndex(long post) {
    return finishWithIndexLength(out.size() - indexStart, post);
  }

  byte[] finishWithIndexLength(long indexLength, long post) {
    byte[] b = new byte[16];
    LtxEncoder.putLong(b, 0, indexLength);
    LtxEncoder.putLong(b, 8, post);
    both(b);
    byte[] sum = new byte[8];
    LtxEncoder.putLong(sum, 0, Checksums.FLAG | hash.value());
    out.writeBytes(sum);
    return out.toByteArray();
  }

  private void both(byte[] b) {
    out.writeBytes(b);
    hash.update(b);
  }

  int pageSize() {
    return pageSize;
  }
}
