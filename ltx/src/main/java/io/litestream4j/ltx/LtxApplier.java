package io.litestream4j.ltx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Objects;

/**
 * Applies LTX files to a database file and proves that the result is continuous: each file must
 * start right after the current TXID, and where a file tracks checksums its pre-apply checksum must
 * equal the database's actual rolling checksum and, after applying, the database's checksum must
 * equal the file's post-apply checksum. Errors name the file that broke continuity.
 *
 * <p>Two ways in: {@link #apply} applies one file after another (each written page by page, then
 * the database truncated to the file's commit); {@link #applyMerged} and {@link #restore} take a
 * whole restore plan and write the resulting database in one sequential pass (k-way merge, newest
 * page wins), which is what restoring from a replica does. Both keep a {@link DatabaseChecksum} up
 * to date from the page checksums the decoder computes anyway.
 *
 * <p>Pages are written before a file's checksum has been verified: if a call fails after it started
 * writing, the database is unusable and the applier refuses further use (a file rejected for its
 * header or continuity changes nothing and the applier stays usable). Restore into a temporary file
 * and rename it into place only on success; syncing the channel is the caller's job. Not
 * thread-safe.
 */
public final class LtxApplier {
  private final FileChannel db;
  private DatabaseChecksum state; // null until the first snapshot
  private long txid;
  private long timestamp;
  private boolean failed;
  private final boolean fullFileBase;

  private LtxApplier(FileChannel db, DatabaseChecksum state, long txid, boolean fullFileBase) {
    this.db = Objects.requireNonNull(db, "db");
    this.state = state;
    this.txid = txid;
    this.fullFileBase = fullFileBase;
  }

  /** An applier for a database with no state yet: the first file must be a snapshot. */
  public static LtxApplier create(FileChannel db) {
    return new LtxApplier(db, null, 0, false);
  }

  /**
   * An applier for a database with no state yet whose first file may also be a full file that does
   * not start at TXID 1 — one holding every page of the database, as a replicator writes when the
   * database was replaced or changed its page size. That the file really holds every page is proven
   * after it is applied (a missing page fails), and its post-apply checksum must match.
   */
  public static LtxApplier createFromFullFile(FileChannel db) {
    return new LtxApplier(db, null, 0, true);
  }

  /**
   * An applier for a database that already holds TXID {@code txid} and whose page checksums are
   * {@code state} (which must be complete and is owned by the applier from now on).
   */
  public static LtxApplier resume(FileChannel db, long txid, DatabaseChecksum state) {
    if (txid == 0) {
      throw new IllegalArgumentException(
          "a database to resume from must have a TXID of at least 1");
    }
    if (!state.isComplete()) {
      throw new IllegalArgumentException(
          "database checksum state must know every page to resume from it: " + state);
    }
    return new LtxApplier(db, state, txid, false);
  }

  /**
   * Restores a database from a restore plan (a snapshot followed by contiguous files, oldest first)
   * in one sequential pass; {@code db}'s previous content is discarded.
   *
   * @return the applier, positioned after the last file (ready to follow more files)
   */
  public static LtxApplier restore(List<? extends InputStream> plan, FileChannel db)
      throws IOException {
    LtxApplier applier = create(db);
    applier.applyMerged(plan);
    return applier;
  }

  /**
   * Like {@link #restore}, but a file may start inside the range of the files before it (a file
   * compacted at another level, reaching back before the previous file's end) as long as it reaches
   * further. Restoring from a snapshot plus compacted files needs this when the finer files at the
   * seam were deleted by retention. The checksum chain cannot be checked across such a seam; the
   * final database checksum still must equal the last file's post-apply checksum.
   */
  public static LtxApplier restoreAcrossOverlaps(List<? extends InputStream> plan, FileChannel db)
      throws IOException {
    LtxApplier applier = create(db);
    applier.applyMerged(plan, true);
    return applier;
  }

  /** The TXID the database is at, 0 before the first file. */
  public long txid() {
    return txid;
  }

  /** Timestamp (ms since the epoch) of the last file applied, 0 before the first file. */
  public long timestamp() {
    return timestamp;
  }

  /** Page size, or 0 before the first file. */
  public int pageSize() {
    return state == null ? 0 : state.pageSize();
  }

  /** Database size in pages. */
  public int commit() {
    return state == null ? 0 : state.pageCount();
  }

  /** The database's rolling checksum (computed whether or not the files track checksums). */
  public long checksum() {
    return state == null ? Checksums.EMPTY_DATABASE : state.value();
  }

  /** A copy of the per-page checksum state, to continue tracking the database incrementally. */
  public DatabaseChecksum checksumState() {
    if (state == null) {
      throw new IllegalStateException("no file has been applied yet");
    }
    return state.copy();
  }

  /**
   * Applies one LTX file: writes its pages, truncates the database to its commit and verifies
   * continuity and checksums.
   *
   * @throws LtxException if the file is corrupt or does not continue the database
   */
  public void apply(InputStream ltx) throws IOException {
    requireUsable();
    boolean writing = false;
    try (LtxDecoder dec = new LtxDecoder(ltx)) {
      LtxHeader h = dec.header();
      String name = "file " + h.fileName();
      checkContinuity(h, name, false);
      writing = true;
      startFile(h);
      try (PageWriter writer = new PageWriter(db, h.pageSize(), false)) {
        byte[] page = new byte[h.pageSize()];
        for (int pgno = dec.nextPage(page); pgno != 0; pgno = dec.nextPage(page)) {
          writer.write(pgno, page);
          state.setPageChecksum(pgno, dec.pageChecksum());
        }
        writer.flush();
      }
      LtxTrailer trailer;
      try {
        trailer = dec.finish();
      } catch (LtxException e) {
        throw new LtxException(name + ": " + e.getMessage(), e);
      }
      afterFiles(h, trailer, name);
    } catch (IOException | RuntimeException e) {
      failed = writing;
      throw e;
    }
  }

  /** Applies each file in turn with {@link #apply}. */
  public void applyAll(List<? extends InputStream> files) throws IOException {
    for (InputStream in : files) {
      apply(in);
    }
  }

  /**
   * Applies contiguous files (oldest first) in one sequential pass over the database: the newest
   * version of each page is written once. Continuity between the files is checked as {@link
   * LtxCompactor} does, continuity with the database and the final checksum as {@link #apply} does.
   * Takes ownership of the streams and closes them.
   */
  public void applyMerged(List<? extends InputStream> files) throws IOException {
    applyMerged(files, false);
  }

  /**
   * Like {@link #applyMerged}, but a file may start inside the range of the files before it (or of
   * the database) as long as it reaches further; see {@link #restoreAcrossOverlaps}. Lets a long
   * restore plan be applied in several batches.
   */
  public void applyMergedAcrossOverlaps(List<? extends InputStream> files) throws IOException {
    applyMerged(files, true);
  }

  private void applyMerged(List<? extends InputStream> files, boolean allowOverlap)
      throws IOException {
    requireUsable();
    boolean writing = false;
    try (PageMerger merger = PageMerger.open(files, allowOverlap, true)) {
      List<LtxHeader> hs = merger.headers();
      LtxHeader first = hs.getFirst();
      LtxHeader last = hs.getLast();
      String name =
          hs.size() == 1
              ? "file " + first.fileName()
              : "files " + first.fileName() + " .. " + last.fileName();
      checkContinuity(first, merger.describe(0), allowOverlap);
      writing = true;
      startFile(first);
      // Decoding overlaps with writing: the writer thread writes one buffer of pages while the
      // merger fills the next; a large first input is also read and decompressed ahead while
      // this thread computes the CRC-64 of its pages.
      try (PageWriter writer = new PageWriter(db, first.pageSize(), true)) {
        while (applyNextPage(merger, writer)) {
          // one call per page, see applyNextPage
        }
        writer.flush();
      }
      List<LtxTrailer> trailers = merger.finishInputs();
      afterFiles(last, trailers.getLast(), name);
    } catch (IOException | RuntimeException e) {
      failed = writing;
      throw e;
    }
  }

  /**
   * Writes the merger's next page and records its checksum; false when there is none. A method of
   * its own so that the JIT compiles the per-page work after a few thousand pages: a loop entered
   * once is only compiled by on-stack replacement, which the short commands' scaled compile
   * thresholds put beyond a million pages, so the loop body would stay interpreted.
   */
  private boolean applyNextPage(PageMerger merger, PageWriter writer) throws IOException {
    int pgno = merger.next();
    if (pgno == 0) {
      return false;
    }
    writer.write(pgno, merger.page());
    state.setPageChecksum(pgno, merger.pageChecksum());
    return true;
  }

  /**
   * Checks that a file can follow the database; changes nothing. With {@code allowOverlap} a file
   * may also reach back into the range the database already holds, if it reaches further.
   */
  private void checkContinuity(LtxHeader h, String name, boolean allowOverlap) throws LtxException {
    if (h.isSnapshot()) {
      if (state != null) {
        throw new LtxException(
            name
                + " is a snapshot but the database is already at TXID "
                + Txid.format(txid)
                + "; a snapshot can only start a restore");
      }
      return;
    }
    if (state == null) {
      if (fullFileBase) {
        return; // a full file: applying it alone must give a complete database (checked after)
      }
      throw new LtxException(
          name
              + " starts at TXID "
              + Txid.format(h.minTxid())
              + " but the database is empty: the first file must be a snapshot (min TXID 1)");
    }
    if (h.pageSize() != state.pageSize()) {
      throw new LtxException(
          name + " has page size " + h.pageSize() + " but the database has " + state.pageSize());
    }
    if (allowOverlap && h.minTxid() <= txid && h.maxTxid() > txid) {
      return; // reaches back into what the database already holds; no checksum proves this seam
    }
    if (h.minTxid() != txid + 1) {
      throw new LtxException(
          name
              + " does not continue the database at TXID "
              + Txid.format(txid)
              + ": expected min TXID "
              + Txid.format(txid + 1)
              + ", got "
              + Txid.format(h.minTxid()));
    }
    if (h.hasChecksums() && h.preApplyChecksum() != state.value()) {
      throw new LtxException(
          name
              + " does not continue the database at TXID "
              + Txid.format(txid)
              + ": its pre-apply checksum is "
              + Checksums.format(h.preApplyChecksum())
              + " but the database checksum is "
              + Checksums.format(state.value()));
    }
  }

  private void startFile(LtxHeader h) throws IOException {
    if (h.isSnapshot() || state == null) {
      state = new DatabaseChecksum(h.pageSize());
      db.truncate(0);
    }
  }

  /**
   * Truncates to the commit and verifies the result; {@code last} says what the database must now
   * be.
   */
  private void afterFiles(LtxHeader last, LtxTrailer trailer, String name) throws IOException {
    int commit = last.commit();
    long size = (long) commit * last.pageSize();
    // Growing the database means writing its new pages (only a trailing lock page is left out,
    // which isComplete() below allows for), so a larger page count is a damaged header.
    if (commit > state.pageCount() + 1) {
      throw new LtxException(
          "after "
              + name
              + " the database would have "
              + commit
              + " pages, but no page above "
              + state.pageCount()
              + " was ever written: the header's page count is wrong (the file is damaged or"
              + " forged)");
    }
    state.truncate(commit);
    if (!state.isComplete()) {
      throw new LtxException(
          "after "
              + name
              + " the database has "
              + commit
              + " pages but not all of them were ever written: the files do not cover the database");
    }
    if (db.size() > size) {
      db.truncate(size);
    } else if (db.size() < size) {
      // Only the lock page can be missing, when it is the last page: SQLite reads it as zeros.
      db.write(ByteBuffer.wrap(new byte[last.pageSize()]), size - last.pageSize());
    }
    if (last.hasChecksums() && trailer.postApplyChecksum() != state.value()) {
      throw new LtxException(
          "after "
              + name
              + " the database checksum is "
              + Checksums.format(state.value())
              + " but the post-apply checksum says "
              + Checksums.format(trailer.postApplyChecksum())
              + "; the files do not produce the database they describe");
    }
    txid = last.maxTxid();
    timestamp = last.timestamp();
  }

  private void requireUsable() {
    if (failed) {
      throw new IllegalStateException("an earlier apply failed; the database is unusable");
    }
  }
}
