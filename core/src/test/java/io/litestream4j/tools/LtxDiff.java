package io.litestream4j.tools;

import io.litestream4j.ltx.LockPage;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.sqlite.DatabaseImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Test support: the incremental LTX file that turns one state of a real database into a later one,
 * as a replicator would have written it (changed and new pages, commit = new size, pre-apply
 * checksum of the old state, post-apply checksum of the new one). Lets chain tests use databases
 * made by SQLite instead of synthetic pages.
 */
public final class LtxDiff {
  private LtxDiff() {}

  /**
   * Writes to {@code out} the file for TXID {@code txid} that turns database file {@code before}
   * into {@code after} (both standalone files of the same page size).
   *
   * @param checksums track checksums, or write flag 0x2 files as Litestream 0.5 does
   */
  public static void write(Path before, Path after, long txid, Path out, boolean checksums)
      throws IOException {
    try (DatabaseImage old = DatabaseImage.open(before, false);
        DatabaseImage now = DatabaseImage.open(after, false);
        OutputStream os = Files.newOutputStream(out)) {
      int pageSize = now.pageSize();
      long pre = old.checksum();
      LtxHeader header =
          LtxHeader.incremental(
              pageSize, now.pageCount(), txid, txid, System.currentTimeMillis(), pre);
      if (!checksums) {
        header = header.withoutChecksums();
      }
      LtxEncoder enc = new LtxEncoder(os, header);
      byte[] a = new byte[pageSize];
      byte[] b = new byte[pageSize];
      int lock = LockPage.pgno(pageSize);
      for (int pgno = 1; pgno <= now.pageCount(); pgno++) {
        if (pgno == lock) {
          continue;
        }
        now.readPage(pgno, b);
        boolean changed = pgno > old.pageCount();
        if (!changed) {
          old.readPage(pgno, a);
          changed = !Arrays.equals(a, b);
        }
        if (changed) {
          enc.writePage(pgno, b);
        }
      }
      enc.finish(checksums ? now.checksum() : 0);
    }
  }
}
