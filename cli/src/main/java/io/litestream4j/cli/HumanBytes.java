package io.litestream4j.cli;

import java.util.Locale;

/**
 * Byte counts the way Litestream shows them ({@code go-humanize}'s {@code Bytes}): decimal units,
 * {@code 0 B}, {@code 9 B}, {@code 33 kB}, {@code 1.2 MB}.
 */
final class HumanBytes {
  private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private HumanBytes() {}

  static String format(long bytes) {
    if (bytes < 10) {
      return bytes + " B";
    }
    int e = (int) Math.floor(Math.log(bytes) / Math.log(1000));
    double val = Math.floor(bytes / Math.pow(1000, e) * 10 + 0.5) / 10;
    return String.format(Locale.ROOT, val < 10 ? "%.1f %s" : "%.0f %s", val, UNITS[e]);
  }
}
