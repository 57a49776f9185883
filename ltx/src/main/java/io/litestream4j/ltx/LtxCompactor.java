package io.litestream4j.ltx;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Merges N contiguous LTX files (oldest first) into one, streaming: a k-way merge over page numbers
 * with memory bounded by one page per input. The result covers {@code first.min..last.max}, has the
 * newest version of every page still inside the database, {@code commit}, {@code timestamp} and
 * post-apply checksum of the last file, the pre-apply checksum of the first, and zero WAL fields;
 * it tracks checksums only if every input does.
 *
 * <p>Inputs must be contiguous ({@code next.min == prev.max + 1}) with equal page sizes; where both
 * sides track checksums, {@code pre(next) == post(prev)}. Every input is read to its trailer and
 * its file checksum verified before the output's trailer is written, so a failed compaction leaves
 * an output without a valid trailer: write to a temporary file and publish only on success.
 *
 * <p>To merge files straight into a database image (restore), see {@link LtxApplier#restore}. The
 * compactor owns its input streams and closes them.
 */
public final class LtxCompactor implements Closeable {
  private final PageMerger merger;
  private final LtxHeader header;
  private boolean used;

  private LtxCompactor(PageMerger merger) {
    this.merger = merger;
    List<LtxHeader> hs = merger.headers();
    LtxHeader first = hs.getFirst();
    LtxHeader last = hs.getLast();
    boolean checksums = hs.stream().allMatch(LtxHeader::hasChecksums);
    this.header =
        new LtxHeader(
            checksums ? 0 : LtxHeader.FLAG_NO_CHECKSUM,
            first.pageSize(),
            last.commit(),
            first.minTxid(),
            last.maxTxid(),
            last.timestamp(),
            checksums ? first.preApplyChecksum() : 0,
            0,
            0,
            0,
            0,
            0);
  }

  /**
   * Reads the header of every input and checks page sizes and TXID contiguity.
   *
   * @param inputs LTX files, oldest first; the compactor takes ownership and closes them
   * @throws LtxException if a header is invalid or the inputs are not contiguous
   */
  public static LtxCompactor open(List<? extends InputStream> inputs) throws IOException {
    return new LtxCompactor(PageMerger.open(inputs));
  }

  /**
   * Compacts {@code inputs} (oldest first) into {@code out}; closes the inputs, not {@code out}.
   */
  public static LtxTrailer compact(List<? extends InputStream> inputs, OutputStream out)
      throws IOException {
    try (LtxCompactor c = open(inputs)) {
      return c.writeTo(out);
    }
  }

  /** The header the output will have, known before anything is written. */
  public LtxHeader header() {
    return header;
  }

  /** The headers of the inputs, oldest first. */
  public List<LtxHeader> inputHeaders() {
    return merger.headers();
  }

  /**
   * Writes the compacted file to {@code out} (which is flushed, not closed). Can be called once.
   *
   * @return the trailer of the output
   * @throws LtxException if an input is corrupt or the inputs do not continue each other
   */
  public LtxTrailer writeTo(OutputStream out) throws IOException {
    if (used) {
      throw new IllegalStateException("an LtxCompactor can write only once");
    }
    used = true;
    LtxEncoder enc =
        new LtxEncoder(
            new FilterOutputStream(out) {
              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
              }

              @Override
              public void close() {
                // the caller owns the stream
              }
            },
            header);
    for (int pgno = merger.next(); pgno != 0; pgno = merger.next()) {
      enc.writePage(pgno, merger.page());
    }
    List<LtxTrailer> trailers = merger.finishInputs();
    long post = header.hasChecksums() ? trailers.getLast().postApplyChecksum() : 0;
    try {
      return enc.finish(post);
    } catch (LtxException e) {
      throw new LtxException("compacting " + header.fileName() + ": " + e.getMessage(), e);
    }
  }

  /** Closes all inputs. */
  @Override
  public void close() throws IOException {
    merger.close();
  }
}
