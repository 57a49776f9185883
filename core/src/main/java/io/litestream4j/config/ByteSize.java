package io.litestream4j.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * Parses byte sizes the way Litestream does (go-humanize), so {@code part-size: 5MB} means the same
 * number of bytes to both: a decimal number, optional spaces and a case-insensitive unit. SI units
 * are powers of 1000 ({@code KB}/{@code K}, {@code MB}/{@code M}, ... {@code EB}), IEC units powers
 * of 1024 ({@code KiB}/{@code Ki}, ... {@code EiB}); no unit or {@code B} means bytes. Commas are
 * allowed as digit separators; fractions are truncated to whole bytes.
 */
final class ByteSize {

  private static final Map<String, Long> UNITS =
      Map.ofEntries(
          Map.entry("", 1L),
          Map.entry("b", 1L),
          Map.entry("k", 1_000L),
          Map.entry("kb", 1_000L),
          Map.entry("ki", 1L << 10),
          Map.entry("kib", 1L << 10),
          Map.entry("m", 1_000_000L),
          Map.entry("mb", 1_000_000L),
          Map.entry("mi", 1L << 20),
          Map.entry("mib", 1L << 20),
          Map.entry("g", 1_000_000_000L),
          Map.entry("gb", 1_000_000_000L),
          Map.entry("gi", 1L << 30),
          Map.entry("gib", 1L << 30),
          Map.entry("t", 1_000_000_000_000L),
          Map.entry("tb", 1_000_000_000_000L),
          Map.entry("ti", 1L << 40),
          Map.entry("tib", 1L << 40),
          Map.entry("p", 1_000_000_000_000_000L),
          Map.entry("pb", 1_000_000_000_000_000L),
          Map.entry("pi", 1L << 50),
          Map.entry("pib", 1L << 50),
          Map.entry("e", 1_000_000_000_000_000_000L),
          Map.entry("eb", 1_000_000_000_000_000_000L),
          Map.entry("ei", 1L << 60),
          Map.entry("eib", 1L << 60));

  private ByteSize() {}

  /**
   * Parses {@code text} into a number of bytes.
   *
   * @throws IllegalArgumentException with a short reason (used as the rule in a config error)
   */
  static long parse(String text) {
    String s = text.strip();
    int i = 0;
    while (i < s.length()
        && (isAsciiDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == ',')) {
      i++;
    }
    String number = s.substring(0, i).replace(",", "");
    String unit = s.substring(i).strip().toLowerCase(Locale.ROOT);
    if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
      throw new IllegalArgumentException(
          "invalid size: write a non-negative number of bytes such as \"5242880\", \"5MiB\" or \"64MB\"");
    }
    Long multiplier = UNITS.get(unit);
    if (multiplier == null) {
      throw new IllegalArgumentException(
          "unknown size unit \""
              + s.substring(i).strip()
              + "\": use B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)");
    }
    BigDecimal bytes =
        new BigDecimal(number.startsWith(".") ? "0" + number : number)
            .multiply(BigDecimal.valueOf(multiplier))
            .setScale(0, RoundingMode.DOWN);
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("size too large (at most " + Long.MAX_VALUE + " bytes)");
    }
    return bytes.longValueExact();
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
