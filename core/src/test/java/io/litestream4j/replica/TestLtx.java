package io.litestream4j.replica;

import io.litestream4j.ltx.LtxHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

/**
 * Builds byte sequences that look like LTX files (a valid 100-byte header plus a body) for tests.
 */
public final class TestLtx {

  private TestLtx() {}

  /**
   * An LTX-shaped file covering {@code min..max} stamped {@code timestamp}, with a deterministic
   * body.
   */
  public static byte[] bytes(long min, long max, Instant timestamp, int bodySize) {
    ByteBuffer buf = ByteBuffer.allocate(LtxHeader.SIZE + bodySize);
    buf.put("LTX1".getBytes(StandardCharsets.US_ASCII));
    buf.putInt(2); // flags: no checksum
    buf.putInt(4096); // page size
    buf.putInt(1); // commit
    buf.putLong(min);
    buf.putLong(max);
    buf.putLong(timestamp.toEpochMilli());
    buf.position(LtxHeader.SIZE);
    byte[] body = new byte[bodySize];
    new Random(min * 31 + max).nextBytes(body);
    buf.put(body);
    byte[] b = buf.array();
    if (bodySize >= io.litestream4j.ltx.LtxTrailer.SIZE) {
      // A real file checksum in the last 8 bytes (CRC-64 of everything before them), as every LTX
      // file carries: a client may check it to tell a whole file from a torn read.
      long crc =
          io.litestream4j.ltx.Checksums.FLAG
              | io.litestream4j.ltx.Crc64.of(b, 0, b.length - Long.BYTES);
      ByteBuffer.wrap(b).putLong(b.length - Long.BYTES, crc);
    }
    return b;
  }
}
