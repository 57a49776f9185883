package io.litestream4j.sqlite;

import java.util.Objects;

/**
 * The committed transactions found in one stretch of a WAL file: everything between {@code start}
 * and {@code end}, where {@code end} lies right after the last valid commit frame. It is what one
 * incremental sync turns into one change file, and {@code end} is where the next sync resumes.
 *
 * @param start where reading began
 * @param end right after the last commit frame read; equals {@code start} when nothing was
 *     committed
 * @param commit database size in pages after the last commit, 0 when {@link #isEmpty()}
 * @param commits number of transactions (commit frames) in the segment
 * @param frames number of frames in the segment
 * @param pages latest frame per page, only for pages that exist after the last commit ({@code pgno
 *     <= commit}): pages beyond a shrunk database are dropped, as SQLite does
 */
public record WalSegment(
    WalPosition start, WalPosition end, int commit, int commits, int frames, PageIndex pages) {

  public WalSegment {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(pages, "pages");
    if (end.offset() < start.offset()) {
      throw new IllegalArgumentException(
          "segment end " + end.offset() + " precedes its start " + start.offset());
    }
    if ((commits == 0) != (frames == 0)) {
      throw new IllegalArgumentException(
          "a segment has frames exactly when it has commits, got "
              + frames
              + " frames and "
              + commits
              + " commits");
    }
  }

  /** True when no transaction was committed between start and end. */
  public boolean isEmpty() {
    return commits == 0;
  }

  /** Number of WAL bytes the segment spans. */
  public long size() {
    return end.offset() - start.offset();
  }
}
