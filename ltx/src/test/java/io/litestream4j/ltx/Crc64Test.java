package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Crc64Test {
  /** Bit-at-a-time CRC-64/ISO, the definition the table-driven version must match. */
  static long reference(byte[] b) {
    long crc = -1L;
    for (byte x : b) {
      crc ^= x & 0xff;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xD800000000000000L : crc >>> 1;
      }
    }
    return ~crc;
  }

  @Test
  void checkValue() {
    byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(Crc64.of(b)).isEqualTo(0xb90956c775a41001L);
    assertThat(reference(b)).isEqualTo(0xb90956c775a41001L);
    assertThat(new Crc64().update(b, 0, 4).update(b, 4, 5).value()).isEqualTo(0xb90956c775a41001L);
  }

  @Test
  void emptyInputIsZero() {
    assertThat(Crc64.of(new byte[0])).isZero();
    assertThat(new Crc64().value()).isZero();
  }

  @Property(tries = 300)
  void matchesBitwiseReferenceForAnySplit(
      @ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 300) int split) {
    int cut = Math.min(split, data.length);
    long expected = reference(data);
    assertThat(Crc64.of(data)).isEqualTo(expected);
    assertThat(new Crc64().update(data, 0, cut).update(data, cut, data.length - cut).value())
        .isEqualTo(expected);
  }

  @Property(tries = 100)
  void byteBuffersOfEveryKindAgree(@ForAll @Size(max = 100) byte[] data) {
    long expected = reference(data);
    for (boolean direct : new boolean[] {false, true}) {
      for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
        ByteBuffer buf =
            (direct
                    ? ByteBuffer.allocateDirect(data.length + 3)
                    : ByteBuffer.allocate(data.length + 3))
                .order(order);
        buf.position(3);
        buf.put(data).flip().position(3);
        assertThat(new Crc64().update(buf).value()).isEqualTo(expected);
        assertThat(buf.hasRemaining()).isFalse();
      }
    }
  }

  @Test
  void updateIntAndLongAreBigEndian() {
    byte[] b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
    assertThat(new Crc64().updateInt(0x01020304).updateLong(0x05060708090a0b0cL).value())
        .isEqualTo(reference(b));
  }

  @Test
  void resetStartsOver() {
    Crc64 c = new Crc64().update(new byte[] {1, 2, 3});
    assertThat(c.reset().update("123456789".getBytes(StandardCharsets.US_ASCII)).value())
        .isEqualTo(0xb90956c775a41001L);
  }

  @Test
  void wholePagesInQuartersMatchTheBitwiseReference() {
    Random rnd = new Random(7);
    for (int len = 1024; len <= 4 * 65536 * 2; len *= 2) {
      for (int trial = 0; trial < 3; trial++) {
        int off = rnd.nextInt(17);
        byte[] b = new byte[off + len + rnd.nextInt(9)];
        rnd.nextBytes(b);
        byte[] exact = java.util.Arrays.copyOfRange(b, off, off + len);
        assertThat(Crc64.of(b, off, len)).as("length %d", len).isEqualTo(reference(exact));
        byte[] prefix = new byte[rnd.nextInt(40)];
        rnd.nextBytes(prefix);
        byte[] both = new byte[prefix.length + len];
        System.arraycopy(prefix, 0, both, 0, prefix.length);
        System.arraycopy(exact, 0, both, prefix.length, len);
        assertThat(new Crc64().update(prefix).update(b, off, len).value())
            .as("length %d after %d bytes", len, prefix.length)
            .isEqualTo(reference(both));
      }
    }
  }

  @Test
  void initialAfterIntIsTheRegisterAfterFourBigEndianBytes() {
    Random rnd = new Random(9);
    for (int i = 0; i < 1000; i++) {
      int v = i < 4 ? new int[] {0, 1, -1, Integer.MIN_VALUE}[i] : rnd.nextInt();
      assertThat(Crc64.initialAfterInt(v)).isEqualTo(new Crc64().updateInt(v).register());
    }
  }

  @Test
  void timesX64IsSixtyFourBitSteps() {
    Random rnd = new Random(3);
    for (int i = 0; i < 1000; i++) {
      long r = rnd.nextLong();
      long bitwise = r;
      for (int bit = 0; bit < 64; bit++) {
        bitwise = (bitwise & 1) != 0 ? (bitwise >>> 1) ^ 0xD800000000000000L : bitwise >>> 1;
      }
      assertThat(Crc64.timesX64(r)).isEqualTo(bitwise);
    }
  }

  @Test
  void shiftedRawCrcEqualsDirectCrcForEveryPageSize() {
    Random rnd = new Random(42);
    for (int pageSize = 512; pageSize <= 65536; pageSize *= 2) {
      Crc64Shift shift = Crc64Shift.forPageSize(pageSize);
      for (int trial = 0; trial < 5; trial++) {
        byte[] page = new byte[pageSize];
        rnd.nextBytes(page);
        byte[] prefix = new byte[rnd.nextInt(50)];
        rnd.nextBytes(prefix);
        long raw = Crc64.raw(page, 0, pageSize);

        Crc64 appended = new Crc64().update(prefix);
        appended.appendRaw(raw, shift);
        assertThat(appended.value()).isEqualTo(new Crc64().update(prefix).update(page).value());

        int pgno = rnd.nextInt(Integer.MAX_VALUE) + 1;
        assertThat(Checksums.pageFromRaw(pgno, raw, shift)).isEqualTo(Checksums.page(pgno, page));
      }
    }
  }

  @Test
  void pageChecksumIsFlaggedCrcOfPgnoAndData() {
    byte[] page = new byte[512];
    page[0] = 7;
    byte[] concat = new byte[516];
    concat[3] = 5;
    concat[4] = 7;
    assertThat(Checksums.page(5, page)).isEqualTo(0x8000000000000000L | reference(concat));
  }
}
