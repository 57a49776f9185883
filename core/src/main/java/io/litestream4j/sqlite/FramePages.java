package io.litestream4j.sqlite;

import java.util.Arrays;

/**
 * The page bytes a {@link WalReader#scan(WalPosition, long, FramePages) scan} has already read and
 * verified, kept so that the file written from the segment does not read the WAL a second time (one
 * {@code lseek} and one {@code read} per page, and a second copy of every page out of the page
 * cache).
 *
 * <p>For each page it holds the newest frame the scan passed, with that frame's offset. A page is
 * handed out by {@link #copy} only for the exact frame offset asked for, so a frame the scan read
 * past the segment's last commit (an unfinished transaction) never stands in for the committed one:
 * the caller then reads that page from the WAL as before. Memory is bounded: once {@code maxBytes}
 * of pages are held, pages not seen before are not kept (the caller reads those from the WAL);
 * storage grows in blocks as pages arrive, so a scan that finds nothing allocates nothing. Reused
 * across scans ({@link WalReader} clears it at the start of each). Not thread-safe.
 */
public final class FramePages {
  private static final int BLOCK_PAGES = 16;
  private static final int MIN_TABLE = 256;

  private final int pageSize;
  private final int maxPages;
  private byte[][] blocks = new byte[0][];
  private long[] offsets = new long[0];

  /** Open addressing, linear probing: page number (0 = empty slot) and the page's index. */
  private int[] keys = new int[0];

  private int[] values = new int[0];
  private int size;

  /**
   * @param pageSize the database's page size
   * @param maxBytes at most this many bytes of pages are kept (at least one page)
   */
  public FramePages(int pageSize, long maxBytes) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("page size " + pageSize);
    }
    this.pageSize = pageSize;
    this.maxPages = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 4, maxBytes / pageSize));
  }

  public int pageSize() {
    return pageSize;
  }

  /** Number of pages held. */
  public int size() {
    return size;
  }

  /** Forgets every page; the storage is kept for the next scan. */
  public void clear() {
    if (size > 0) {
      Arrays.fill(keys, 0);
      size = 0;
    }
  }

  /**
   * Copies the page of the frame at {@code frameOffset} into the first {@link #pageSize()} bytes of
   * {@code dst} when this holds exactly that frame of {@code pgno}.
   *
   * @return false when the page is not held, or a later frame of it was read
   */
  public boolean copy(int pgno, long frameOffset, byte[] dst) {
    int index = indexOf(pgno);
    if (index < 0 || offsets[index] != frameOffset) {
      return false;
    }
    System.arraycopy(
        blocks[index / BLOCK_PAGES], (index % BLOCK_PAGES) * pageSize, dst, 0, pageSize);
    return true;
  }

  /**
   * Keeps the page at {@code src[from..]} as the newest frame of {@code pgno}, if there is room.
   */
  void offer(int pgno, long frameOffset, byte[] src, int from) {
    int index = indexOf(pgno);
    if (index < 0) {
      if (size == maxPages) {
        return;
      }
      index = add(pgno);
    }
    offsets[index] = frameOffset;
    System.arraycopy(
        src, from, blocks[index / BLOCK_PAGES], (index % BLOCK_PAGES) * pageSize, pageSize);
  }

  private int indexOf(int pgno) {
    if (size == 0) {
      return -1;
    }
    int mask = keys.length - 1;
    for (int i = mix(pgno) & mask; ; i = (i + 1) & mask) {
      int key = keys[i];
      if (key == pgno) {
        return values[i];
      }
      if (key == 0) {
        return -1;
      }
    }
  }

  private int add(int pgno) {
    if ((size + 1) * 2 > keys.length) {
      rehash(Math.max(MIN_TABLE, keys.length * 2));
    }
    int index = size++;
    if (index / BLOCK_PAGES >= blocks.length) {
      int n = Math.max(4, blocks.length * 2);
      blocks = Arrays.copyOf(blocks, n);
      offsets = Arrays.copyOf(offsets, n * BLOCK_PAGES);
    }
    if (blocks[index / BLOCK_PAGES] == null) {
      blocks[index / BLOCK_PAGES] = new byte[BLOCK_PAGES * pageSize];
    }
    insert(pgno, index);
    return index;
  }

  private void rehash(int capacity) {
    int[] oldKeys = keys;
    int[] oldValues = values;
    keys = new int[capacity];
    values = new int[capacity];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        insert(oldKeys[i], oldValues[i]);
      }
    }
  }

  private void insert(int pgno, int index) {
    int mask = keys.length - 1;
    int i = mix(pgno) & mask;
    while (keys[i] != 0) {
      i = (i + 1) & mask;
    }
    keys[i] = pgno;
    values[i] = index;
  }

  private static int mix(int pgno) {
    int h = pgno * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
