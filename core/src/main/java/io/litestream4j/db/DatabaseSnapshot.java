package io.litestream4j.db;

import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.LockPage;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.ltx.Txid;
import io.litestream4j.sqlite.PageIndex;
import io.litestream4j.sqlite.WalOverlay;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The state of a database at one TXID, frozen so that it can be streamed as a level-9 snapshot
 * ({@code [1, txid]}) while the application keeps writing: the database file overlaid with the WAL
 * frames up to the synced end of the WAL. Obtained from {@link Database#openSnapshot()}.
 *
 * <h2>Why it stays consistent without SQLite's write lock</h2>
 *
 * While a snapshot is open the database runs none of its own checkpoints, so the replicator's
 * long-running read transaction (whose read mark lies at or before the synced end of the WAL) is
 * never released. With a read mark inside the WAL, SQLite neither restarts the WAL nor lets a
 * checkpoint copy frames written after the mark into the database file: the frames indexed here and
 * the database pages not covered by them stay as they were at {@link #txid()}. With read mark 0
 * (the WAL was fully checkpointed when the transaction began) no checkpoint can copy anything, but
 * the application may restart the WAL; that only happens once the synced frames are all in the
 * database file, so a page whose frame turns out to be overwritten (salts checked before and after
 * reading it) is read from the database file instead. As a last line of defence the streamed pages'
 * rolling checksum is compared with the checksum the database recorded for {@link #txid()}; on a
 * mismatch {@link #writeTo} fails before the trailer is written, so a snapshot that mixes states is
 * never published (Litestream issue 1164).
 *
 * <p>Nothing is staged on disk: pages are read and encoded one at a time. Reading goes through the
 * database's own long-lived descriptors (positional reads, safe beside the sync thread's): opening
 * and closing descriptors of its own would release SQLite's locks (see {@link Database}). {@link
 * #close()} lets the database checkpoint again; always close it, even when {@link #writeTo} was
 * never called.
 */
public final class DatabaseSnapshot implements AutoCloseable {
  private final Path dbPath;
  private final WalOverlay pages;
  private final int pageSize;
  private final int commit;
  private final long txid;
  private final long checksum;
  private final long timestampMillis;
  private final int salt1;
  private final int salt2;
  private final Runnable release;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param db the database's descriptor of the database file; read, never closed
   * @param wal the database's descriptor of the WAL, or null when no page comes from the WAL
   */
  DatabaseSnapshot(
      Path dbPath,
      FileChannel db,
      @Nullable FileChannel wal,
      int pageSize,
      int commit,
      long txid,
      long checksum,
      long timestampMillis,
      PageIndex walPages,
      int salt1,
      int salt2,
      Runnable release) {
    this.dbPath = dbPath;
    this.pages = new WalOverlay(db, wal, walPages, pageSize);
    this.pageSize = pageSize;
    this.commit = commit;
    this.txid = txid;
    this.checksum = checksum;
    this.timestampMillis = timestampMillis;
    this.salt1 = salt1;
    this.salt2 = salt2;
    this.release = release;
  }

  /** The TXID whose state this snapshot holds: the snapshot file covers {@code [1, txid]}. */
  public long txid() {
    return txid;
  }

  public int pageSize() {
    return pageSize;
  }

  /** Database size in pages at {@link #txid()}. */
  public int commit() {
    return commit;
  }

  /** The database's rolling checksum at {@link #txid()}: the snapshot's post-apply checksum. */
  public long checksum() {
    return checksum;
  }

  /** When {@link #txid()} was written (the timestamp the snapshot carries), ms since the epoch. */
  public long timestampMillis() {
    return timestampMillis;
  }

  /** The header the snapshot file has. */
  public LtxHeader header() {
    return LtxHeader.snapshot(pageSize, commit, txid, timestampMillis);
  }

  /**
   * Streams the snapshot as a complete LTX file into {@code out} (flushed, not closed).
   *
   * @throws IOException if reading fails, or if the pages read no longer add up to the checksum of
   *     {@link #txid()} (the database changed underneath); the output then lacks its trailer and
   *     must be discarded
   */
  public LtxTrailer writeTo(OutputStream out) throws IOException {
    if (closed.get()) {
      throw new IllegalStateException("snapshot at TXID " + Txid.format(txid) + " is closed");
    }
    OutputStream keepOpen =
        new FilterOutputStream(out) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            out.flush();
          }
        };
    LtxEncoder enc = new LtxEncoder(keepOpen, header());
    int lock = LockPage.pgno(pageSize);
    byte[] page = new byte[pageSize];
    long xor = 0;
    boolean[] walRestarted = {false};
    for (int pgno = 1; pgno <= commit; pgno++) {
      if (pgno == lock) {
        continue;
      }
      readPage(pgno, page, walRestarted);
      xor ^= enc.writePage(pgno, page);
    }
    long actual = Checksums.FLAG | xor;
    if (actual != checksum) {
      throw new IOException(
          "database "
              + dbPath
              + " changed while its snapshot at TXID "
              + Txid.format(txid)
              + " was read (pages add up to checksum "
              + Checksums.format(actual)
              + ", expected "
              + Checksums.format(checksum)
              + "); the snapshot was discarded and will be taken again");
    }
    LtxTrailer trailer = enc.finish(checksum);
    keepOpen.flush();
    return trailer;
  }

  /**
   * Reads a page from its WAL frame while the frame still holds it (checked before and after the
   * read), else from the database file.
   */
  private void readPage(int pgno, byte[] page, boolean[] walRestarted) throws IOException {
    OptionalLong frame = pages.frameOffset(pgno);
    if (frame.isPresent() && !walRestarted[0]) {
      long at = frame.getAsLong();
      if (pages.frameHolds(at, pgno, salt1, salt2)) {
        pages.readFrame(pgno, at, page);
        if (pages.frameHolds(at, pgno, salt1, salt2)) {
          return;
        }
      }
      walRestarted[0] = true; // the generation was fully checkpointed: the database file has it all
    }
    pages.readFilePage(pgno, page);
  }

  /** Lets the database checkpoint again. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release.run();
    }
  }

  @Override
  public String toString() {
    return "snapshot of " + dbPath + " at TXID " + Txid.format(txid) + " (" + commit + " pages)";
  }
}
