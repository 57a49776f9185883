package io.litestream4j.ltx;

import java.util.Locale;

/**
 * Transaction ids as LTX spells them: unsigned 64-bit numbers written as exactly 16 lower-case hex
 * digits. Exists so every module formats and parses them one way (file names, logs, metadata).
 */
public final class Txid {
  private Txid() {}

  /** Formats {@code txid} (read as unsigned) as 16 lower-case hex digits. */
  public static String format(long txid) {
    return String.format(Locale.ROOT, "%016x", txid);
  }

  /**
   * Parses exactly 16 hex digits (either case, as Go's {@code strconv.ParseUint} accepts) into an
   * unsigned transaction id.
   *
   * @throws IllegalArgumentException if {@code hex} is not 16 hex digits
   */
  public static long parse(String hex) {
    if (hex == null || hex.length() != 16) {
      throw new IllegalArgumentException("a TXID is 16 hex digits, got " + quote(hex));
    }
    long v = 0;
    for (int i = 0; i < 16; i++) {
      int d = Character.digit(hex.charAt(i), 16);
      if (d < 0) {
        throw new IllegalArgumentException("a TXID is 16 hex digits, got " + quote(hex));
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static String quote(String s) {
    return s == null ? "null" : '"' + s + '"';
  }
}
