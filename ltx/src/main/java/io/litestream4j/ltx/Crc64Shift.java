package io.litestream4j.ltx;

/**
 * The linear map "advance a CRC-64 register over {@code length} zero bytes", applied in eight table
 * look-ups. Exists because a CRC register update is affine: {@code crc(r, data) = shift(r) ^ crc(0,
 * data)}. So one CRC pass over a page ({@link Crc64#raw}) yields both the page checksum (register
 * seeded with the page number) and the file checksum (register seeded with everything before the
 * page), halving the CRC work of encoding, decoding and restoring.
 *
 * <p>Instances exist for every valid page size, are built once from doubling and are immutable.
 */
final class Crc64Shift {
  private final int length;
  private final long[][] tables; // tables[k][b] = image of byte b placed at byte position k

  private Crc64Shift(int length, long[] columns) {
    this.length = length;
    this.tables = new long[8][256];
    for (int k = 0; k < 8; k++) {
      long[] t = tables[k];
      for (int b = 1; b < 256; b++) {
        t[b] = t[b & (b - 1)] ^ columns[8 * k + Integer.numberOfTrailingZeros(b)];
      }
    }
  }

  /**
   * The shift for exactly {@code pageSize} bytes; {@code pageSize} must be a valid LTX page size.
   */
  static Crc64Shift forPageSize(int pageSize) {
    if (!LtxHeader.isValidPageSize(pageSize)) {
      throw new IllegalArgumentException("not a valid page size: " + pageSize);
    }
    return Holder.BY_PAGE_SIZE[Integer.numberOfTrailingZeros(pageSize) - 9];
  }

  /** {@link #forPageSize} for a caller that knows {@code pageSize} is valid (per-page paths). */
  static Crc64Shift forValidPageSize(int pageSize) {
    return Holder.BY_PAGE_SIZE[Integer.numberOfTrailingZeros(pageSize) - 9];
  }

  int length() {
    return length;
  }

  long apply(long register) {
    return tables[0][(int) register & 0xff]
        ^ tables[1][(int) (register >>> 8) & 0xff]
        ^ tables[2][(int) (register >>> 16) & 0xff]
        ^ tables[3][(int) (register >>> 24) & 0xff]
        ^ tables[4][(int) (register >>> 32) & 0xff]
        ^ tables[5][(int) (register >>> 40) & 0xff]
        ^ tables[6][(int) (register >>> 48) & 0xff]
        ^ tables[7][(int) (register >>> 56) & 0xff];
  }

  private Crc64Shift doubled() {
    long[] columns = new long[64];
    for (int i = 0; i < 64; i++) {
      columns[i] = apply(apply(1L << i));
    }
    return new Crc64Shift(length * 2, columns);
  }

  private static Crc64Shift ofZeroBytes(int length) {
    long[] columns = new long[64];
    for (int i = 0; i < 64; i++) {
      long r = 1L << i;
      for (int n = 0; n < length; n++) {
        r = Crc64.advanceZeroByte(r);
      }
      columns[i] = r;
    }
    return new Crc64Shift(length, columns);
  }

  private static final class Holder {
    static final Crc64Shift[] BY_PAGE_SIZE = new Crc64Shift[8];

    static {
      BY_PAGE_SIZE[0] = ofZeroBytes(LtxHeader.MIN_PAGE_SIZE);
      for (int i = 1; i < BY_PAGE_SIZE.length; i++) {
        BY_PAGE_SIZE[i] = BY_PAGE_SIZE[i - 1].doubled();
      }
    }
  }
}
