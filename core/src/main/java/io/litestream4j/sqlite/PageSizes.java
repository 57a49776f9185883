package io.litestream4j.sqlite;

/** The one rule SQLite applies to page sizes everywhere: a power of two from 512 to 65536. */
final class PageSizes {
  static final int MIN = 512;
  static final int MAX = 65536;

  private PageSizes() {}

  static boolean isValid(int pageSize) {
    return pageSize >= MIN && pageSize <= MAX && Integer.bitCount(pageSize) == 1;
  }
}
