package io.litestream4j.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class WalChecksumTest {

  @Test
  void matchesHandComputedSum() {
    // words (1, 2) then (3, 4): s1 = 0+1+0 = 1, s2 = 0+2+1 = 3; s1 = 1+3+3 = 7, s2 = 3+4+7 = 14
    byte[] big =
        ByteBuffer.allocate(16)
            .order(ByteOrder.BIG_ENDIAN)
            .putInt(1)
            .putInt(2)
            .putInt(3)
            .putInt(4)
            .array();
    byte[] little =
        ByteBuffer.allocate(16)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(1)
            .putInt(2)
            .putInt(3)
            .putInt(4)
            .array();

    assertThat(WalChecksum.ZERO.update(ByteOrder.BIG_ENDIAN, big, 0, 16))
        .isEqualTo(new WalChecksum(7, 14));
    assertThat(WalChecksum.ZERO.update(ByteOrder.LITTLE_ENDIAN, little, 0, 16))
        .isEqualTo(new WalChecksum(7, 14));
  }

  @Test
  void wrapsAroundLikeUnsigned32BitArithmetic() {
    byte[] data = ByteBuffer.allocate(8).putInt(0xffffffff).putInt(0xffffffff).array();

    WalChecksum sum =
        new WalChecksum(0x80000000, 0x80000000).update(ByteOrder.BIG_ENDIAN, data, 0, 8);

    // s1 = 0x80000000 + 0xffffffff + 0x80000000 = 0xffffffff (mod 2^32); s2 = 0x80000000 +
    // 0xffffffff + s1 = 0x7ffffffe
    assertThat(sum).isEqualTo(new WalChecksum(0xffffffff, 0x7ffffffe));
  }

  @Test
  void rejectsLengthsThatAreNotMultiplesOfEight() {
    assertThatThrownBy(() -> WalChecksum.ZERO.update(ByteOrder.BIG_ENDIAN, new byte[12], 0, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiples of 8 bytes, got 12");
  }

  @Property
  void continuingEqualsOneShot(
      @ForAll @Size(min = 1, max = 64) byte[] words8,
      @ForAll @IntRange(min = 0, max = 64) int split,
      @ForAll boolean bigEndian) {
    byte[] data = new byte[words8.length * 8];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (words8[i / 8] * 31 + i);
    }
    int cut = Math.min(split, words8.length) * 8;
    ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

    WalChecksum oneShot = WalChecksum.ZERO.update(order, data, 0, data.length);
    WalChecksum continued =
        WalChecksum.ZERO.update(order, data, 0, cut).update(order, data, cut, data.length - cut);

    assertThat(continued).isEqualTo(oneShot);
  }
}
