package io.litestream4j.ltx;

/**
 * SQLite's lock page: the page holding byte offset {@code 0x40000000} (PENDING_BYTE). SQLite never
 * stores data in it, LTX files never contain it and database checksums leave it out; it only exists
 * in databases larger than 1 GiB.
 */
public final class LockPage {
  /** SQLite's PENDING_BYTE offset. */
  public static final long PENDING_BYTE = 0x40000000L;

  private LockPage() {}

  /**
   * The lock page number for databases with the given page size: {@code 0x40000000 / pageSize + 1}.
   */
  public static int pgno(int pageSize) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("page size must be positive, got " + pageSize);
    }
    return (int) (PENDING_BYTE / pageSize) + 1;
  }
}
