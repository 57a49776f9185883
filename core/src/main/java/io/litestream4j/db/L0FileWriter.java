package io.litestream4j.db;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LockPage;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.sqlite.FramePages;
import io.litestream4j.sqlite.PageIndex;
import io.litestream4j.sqlite.WalOverlay;
import io.litestream4j.sqlite.WalSegment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Encodes the level-0 LTX files of a {@link Database} into its {@link LocalLtxDir}: an incremental
 * file from one segment of committed WAL frames, or a full file holding every page of the database.
 *
 * <p>{@link Database} decides when a file is due and which kind (WAL continuity, cursor, position,
 * the file's header); this turns pages into the file, so the decisions read apart from the page
 * loops.
 *
 * <p>Guarantees: pages are read only through the descriptors it is given — the database file's
 * single descriptor and the WAL's ({@link DatabaseFiles}) — and it never opens a file of the
 * database itself (the lock rule of {@link Database}). The lock page and pages above the file's
 * commit are never written. The rolling checksum it updates (incremental) or builds (full) is the
 * one the file's trailer records as post-apply checksum. Not thread-safe: used under {@link
 * Database}'s monitor.
 *
 * @param local where the file is written (atomically)
 * @param db the replicator's only descriptor of the database file
 * @param pageSize the database's page size
 */
record L0FileWriter(LocalLtxDir local, FileChannel db, int pageSize) {

  /** Receives one page of a walk over the database; the buffer is reused for the next page. */
  @FunctionalInterface
  interface PageSink {
    void accept(int pgno, byte[] page) throws IOException;
  }

  /**
   * Writes the incremental file {@code header} describes from the WAL segment {@code seg}, updating
   * {@code checksum} (the state before it) page by page to the state after it.
   *
   * @param prevCommit the database's size in pages before the segment
   * @param kept pages the scan of {@code seg} already read and verified (null: none); a page it
   *     does not hold for the segment's frame is read from the WAL
   * @return the file's trailer
   */
  LtxTrailer writeIncremental(
      FileChannel wal,
      WalSegment seg,
      @Nullable FramePages kept,
      int prevCommit,
      LtxHeader header,
      DatabaseChecksum checksum)
      throws IOException {
    int commit = seg.commit();
    int lock = LockPage.pgno(pageSize);
    PageIndex pages = seg.pages();
    WalOverlay overlay = new WalOverlay(db, wal, pages, pageSize);
    // Pages that appear because the database grew but were not in this segment come from the
    // database file (Litestream issues 1199 and 1323); pages above the new commit are dropped
    // (issue 875).
    int[] pgnos = pagesToWrite(pages, prevCommit, commit, lock);
    byte[] buf = new byte[pageSize];
    LtxTrailer[] trailer = new LtxTrailer[1];
    local.write(
        header.maxTxid(),
        out -> {
          try (LtxEncoder enc = new LtxEncoder(out, header)) {
            for (int pgno : pgnos) {
              OptionalLong frame = pages.frameOffsetOf(pgno);
              if (kept == null || frame.isEmpty() || !kept.copy(pgno, frame.getAsLong(), buf)) {
                overlay.readPage(pgno, buf);
              }
              checksum.setPageChecksum(pgno, enc.writePage(pgno, buf));
            }
            if (commit < prevCommit) {
              checksum.truncate(commit);
            }
            trailer[0] = enc.finish(checksum.value());
          }
        });
    return trailer[0];
  }

  /**
   * Writes the full file {@code header} describes: pages 1..{@code commit} of the database file
   * overlaid with {@code walPages}.
   *
   * @param tracked false when the file carries no checksums (its trailer's post-apply checksum is
   *     then 0)
   * @return the checksum of the database state the file holds
   */
  DatabaseChecksum writeFull(
      @Nullable FileChannel wal, PageIndex walPages, int commit, LtxHeader header, boolean tracked)
      throws IOException {
    DatabaseChecksum sum = new DatabaseChecksum(pageSize);
    WalOverlay pages = new WalOverlay(db, wal, walPages, pageSize);
    local.write(
        header.maxTxid(),
        out -> {
          try (LtxEncoder enc = new LtxEncoder(out, header)) {
            forEachPage(
                commit,
                pages,
                pageSize,
                (pgno, buf) -> sum.setPageChecksum(pgno, enc.writePage(pgno, buf)));
            enc.finish(tracked ? sum.value() : 0);
          }
        });
    return sum;
  }

  /** Visits pages 1..commit (lock page excluded) of the database overlaid with the WAL pages. */
  static void forEachPage(int commit, WalOverlay pages, int pageSize, PageSink sink)
      throws IOException {
    int lock = LockPage.pgno(pageSize);
    byte[] buf = new byte[pageSize];
    for (int pgno = 1; pgno <= commit; pgno++) {
      if (pgno == lock) {
        continue;
      }
      pages.readPage(pgno, buf);
      sink.accept(pgno, buf);
    }
  }

  /**
   * The pages an incremental file holds, ascending: the segment's pages up to the new commit, plus
   * the pages the database grew by that the segment does not hold (read from the database file);
   * never the lock page.
   */
  static int[] pagesToWrite(PageIndex pages, int prevCommit, int commit, int lock) {
    int[] out = new int[pages.size() + Math.max(0, commit - prevCommit)];
    int n = 0;
    for (int i = 0; i < pages.size(); i++) {
      int pgno = pages.pgno(i);
      if (pgno <= commit && pgno != lock) {
        out[n++] = pgno;
      }
    }
    for (int pgno = prevCommit + 1; pgno <= commit; pgno++) {
      if (pgno != lock && pages.frameOffsetOf(pgno).isEmpty()) {
        out[n++] = pgno;
      }
    }
    int[] result = Arrays.copyOf(out, n);
    Arrays.sort(result);
    return result;
  }
}
