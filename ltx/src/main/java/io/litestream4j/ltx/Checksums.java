package io.litestream4j.ltx;

import java.util.Locale;

/**
 * The page checksum of LTX: {@code 0x8000000000000000 | CRC64(pgno as 4 bytes big-endian ++ page)}.
 * The database checksum is the xor of the page checksums of pages 1..commit without the lock page,
 * with the top bit set ({@link DatabaseChecksum}). The top bit keeps every real checksum non-zero,
 * so 0 can mean "not tracked".
 */
public final class Checksums {
  /** The bit set in every checksum. */
  public static final long FLAG = 0x8000000000000000L;

  /** The database checksum of an empty database (no pages). */
  public static final long EMPTY_DATABASE = FLAG;

  private Checksums() {}

  /**
   * The checksum of page {@code pgno} whose content is {@code len} bytes of {@code data} from
   * {@code off}.
   */
  public static long page(int pgno, byte[] data, int off, int len) {
    return FLAG | new Crc64().updateInt(pgno).update(data, off, len).value();
  }

  /** The checksum of page {@code pgno} whose content is all of {@code data}. */
  public static long page(int pgno, byte[] data) {
    return page(pgno, data, 0, data.length);
  }

  /**
   * The page checksum from the raw CRC of the page content ({@link Crc64#raw}) in O(1): shares the
   * CRC pass a codec already makes for the file checksum.
   */
  static long pageFromRaw(int pgno, long rawOfPage, Crc64Shift shift) {
    return FLAG | ~(shift.apply(Crc64.initialAfterInt(pgno)) ^ rawOfPage);
  }

  /** Formats a checksum as 16 lower-case hex digits, as Litestream prints them. */
  public static String format(long checksum) {
    return String.format(Locale.ROOT, "%016x", checksum);
  }
}
