package io.litestream4j.sqlite;

import java.util.Arrays;
import java.util.Collections;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable map from page number to the byte offset of the WAL frame holding that page's latest
 * committed version, ordered by page number (page numbers are unsigned 32-bit, as in SQLite). Kept
 * as two primitive arrays because a large WAL can hold millions of frames.
 */
public final class PageIndex {
  private static final PageIndex EMPTY = new PageIndex(new int[0], new long[0]);

  private final int[] pgnos;
  private final long[] frameOffsets;

  private PageIndex(int[] pgnos, long[] frameOffsets) {
    this.pgnos = pgnos;
    this.frameOffsets = frameOffsets;
  }

  /** An index with no pages. */
  public static PageIndex empty() {
    return EMPTY;
  }

  /**
   * Builds an index from parallel arrays sorted by strictly increasing page number; the arrays are
   * copied.
   */
  public static PageIndex of(int[] pgnos, long[] frameOffsets) {
    if (pgnos.length != frameOffsets.length) {
      throw new IllegalArgumentException(
          "page numbers ("
              + pgnos.length
              + ") and frame offsets ("
              + frameOffsets.length
              + ") must have the same length");
    }
    for (int i = 1; i < pgnos.length; i++) {
      if (Integer.compareUnsigned(pgnos[i - 1], pgnos[i]) >= 0) {
        throw new IllegalArgumentException(
            "page numbers must be strictly increasing, got "
                + Integer.toUnsignedString(pgnos[i - 1])
                + " before "
                + Integer.toUnsignedString(pgnos[i]));
      }
    }
    return new PageIndex(pgnos.clone(), frameOffsets.clone());
  }

  /** Wraps arrays the caller hands over and no longer touches. */
  static PageIndex adopt(int[] pgnos, long[] frameOffsets) {
    return pgnos.length == 0 ? EMPTY : new PageIndex(pgnos, frameOffsets);
  }

  /** Number of distinct pages. */
  public int size() {
    return pgnos.length;
  }

  public boolean isEmpty() {
    return pgnos.length == 0;
  }

  /** The i-th page number in increasing order. */
  public int pgno(int i) {
    return pgnos[i];
  }

  /** The frame offset of the i-th page. */
  public long frameOffset(int i) {
    return frameOffsets[i];
  }

  /** The frame offset holding {@code pgno}, if this index has that page. */
  public OptionalLong frameOffsetOf(int pgno) {
    int low = 0;
    int high = pgnos.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int cmp = Integer.compareUnsigned(pgnos[mid], pgno);
      if (cmp == 0) {
        return OptionalLong.of(frameOffsets[mid]);
      } else if (cmp < 0) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return OptionalLong.empty();
  }

  /** A copy of the page numbers in increasing order. */
  public int[] pgnos() {
    return pgnos.clone();
  }

  /** The index as an unmodifiable sorted map. */
  public SortedMap<Integer, Long> toMap() {
    TreeMap<Integer, Long> map = new TreeMap<>(Integer::compareUnsigned);
    for (int i = 0; i < pgnos.length; i++) {
      map.put(pgnos[i], frameOffsets[i]);
    }
    return Collections.unmodifiableSortedMap(map);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PageIndex other
        && Arrays.equals(pgnos, other.pgnos)
        && Arrays.equals(frameOffsets, other.frameOffsets);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(pgnos) + Arrays.hashCode(frameOffsets);
  }

  @Override
  public String toString() {
    return "PageIndex[" + pgnos.length + " pages]";
  }
}
