package io.litestream4j.sqlite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * SQLite's cumulative WAL checksum: two 32-bit words updated over the input taken as pairs of
 * 32-bit integers ({@code s1 += x0 + s2; s2 += x1 + s1}), in the byte order that the WAL magic
 * selects. Each frame's checksum continues from the previous frame's (the first from the header's),
 * so a value of this type is the running state at one point of a WAL.
 */
public record WalChecksum(int s1, int s2) {

  /** The initial state, used for the WAL header. */
  public static final WalChecksum ZERO = new WalChecksum(0, 0);

  private static final VarHandle BIG =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LITTLE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Continues this checksum over {@code data[offset, offset + length)}.
   *
   * @param order the checksum byte order of the WAL (see {@link WalHeader#checksumOrder()})
   * @param length a multiple of 8, as everything SQLite checksums is
   */
  public WalChecksum update(ByteOrder order, byte[] data, int offset, int length) {
    Objects.requireNonNull(order, "order");
    Objects.checkFromIndexSize(offset, length, data.length);
    if ((length & 7) != 0) {
      throw new IllegalArgumentException("WAL checksums cover multiples of 8 bytes, got " + length);
    }
    return order == ByteOrder.BIG_ENDIAN
        ? updateBigEndian(data, offset, offset + length)
        : updateLittleEndian(data, offset, offset + length);
  }

  private WalChecksum updateBigEndian(byte[] data, int from, int to) {
    int a = s1;
    int b = s2;
    for (int i = from; i < to; i += 8) {
      a += (int) BIG.get(data, i) + b;
      b += (int) BIG.get(data, i + 4) + a;
    }
    return new WalChecksum(a, b);
  }

  private WalChecksum updateLittleEndian(byte[] data, int from, int to) {
    int a = s1;
    int b = s2;
    for (int i = from; i < to; i += 8) {
      a += (int) LITTLE.get(data, i) + b;
      b += (int) LITTLE.get(data, i + 4) + a;
    }
    return new WalChecksum(a, b);
  }

  @Override
  public String toString() {
    return String.format("WalChecksum[%08x, %08x]", s1, s2);
  }
}
