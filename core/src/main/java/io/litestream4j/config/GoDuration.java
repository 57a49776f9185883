package io.litestream4j.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Parses durations written the way Litestream (Go's {@code time.ParseDuration}) reads them, so one
 * configuration file means the same thing to both: a sequence of decimal numbers with units, such
 * as {@code 300ms}, {@code 1.5h}, {@code 1h30m}, optionally signed; units {@code ns}, {@code us}
 * ({@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}; and the bare {@code 0}.
 */
public final class GoDuration {

  private static final Map<String, Long> UNIT_NANOS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L,
          "\u03bcs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger MIN_MAGNITUDE = MAX.add(BigInteger.ONE);

  private GoDuration() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a short reason (used as the rule in a config error)
   */
  public static Duration parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException(invalid());
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length()
          && (Character.isDigit(s.charAt(i)) && s.charAt(i) < 128 || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty()
          || number.equals(".")
          || number.indexOf('.') != number.lastIndexOf('.')) {
        throw new IllegalArgumentException(invalid());
      }
      int unitStart = i;
      while (i < s.length()
          && !(Character.isDigit(s.charAt(i)) && s.charAt(i) < 128)
          && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      if (unit.isEmpty()) {
        throw new IllegalArgumentException(
            "missing unit: write a duration such as \"1s\", \"500ms\" or \"1h30m\"");
      }
      Long nanos = UNIT_NANOS.get(unit);
      if (nanos == null) {
        throw new IllegalArgumentException(
            "unknown unit \"" + unit + "\" in duration: use ns, us, ms, s, m or h");
      }
      total =
          total.add(
              new BigDecimal(number.startsWith(".") ? "0" + number : number)
                  .multiply(BigDecimal.valueOf(nanos)));
    }
    BigInteger whole = total.toBigInteger();
    if (whole.compareTo(negative ? MIN_MAGNITUDE : MAX) > 0) {
      throw new IllegalArgumentException("duration out of range (at most about 292 years)");
    }
    return Duration.ofNanos(negative ? whole.negate().longValueExact() : whole.longValueExact());
  }

  private static String invalid() {
    return "invalid duration: write a number with a unit such as \"1s\", \"500ms\" or \"1h30m\"";
  }
}
