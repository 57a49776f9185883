package io.litestream4j.ltx;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The k-way merge shared by compaction and restore: walks N contiguous LTX files (oldest first) in
 * one pass in page order and yields, for every page number, the newest version, exactly as applying
 * the files one by one would leave it. A version is dropped if any file from its own onwards has a
 * smaller commit (the database was truncated below it after it was written).
 *
 * <p>Memory is one page buffer per input. Opening checks page sizes and TXID contiguity; {@link
 * #finishInputs()} verifies every input to its trailer and the pre/post-apply chain.
 *
 * <p>With {@code allowOverlap} an input may also start inside the range already covered (a
 * compacted file reaching back before the previous input's end), as long as it reaches further. Its
 * pages are exactly what applying it on top would leave, but no checksum proves the seam, so the
 * pre/post-apply chain is checked only where inputs continue each other exactly.
 */
final class PageMerger implements Closeable {
  private final List<LtxDecoder> decoders;
  private final List<LtxHeader> headers;
  private final PriorityQueue<Cursor> heap;
  private final int pageSize;
  private final boolean allowOverlap;
  private Cursor pending; // the last winner, advanced lazily
  private List<LtxTrailer> trailers;

  private PageMerger(List<LtxDecoder> decoders, boolean allowOverlap) throws LtxException {
    this.decoders = decoders;
    this.allowOverlap = allowOverlap;
    this.headers = decoders.stream().map(LtxDecoder::header).toList();
    this.pageSize = headers.getFirst().pageSize();
    checkContiguity(headers);
    this.heap =
        new PriorityQueue<>(
            Math.max(1, decoders.size()),
            (a, b) ->
                a.pgno != b.pgno
                    ? Integer.compare(a.pgno, b.pgno)
                    : Integer.compare(b.index, a.index));
  }

  /** Opens a decoder on every input (reading its header); closes all inputs if any fails. */
  static PageMerger open(List<? extends InputStream> inputs) throws IOException {
    return open(inputs, false);
  }

  /**
   * Like {@link #open(List)}; {@code allowOverlap} accepts inputs that overlap the previous one.
   */
  static PageMerger open(List<? extends InputStream> inputs, boolean allowOverlap)
      throws IOException {
    return open(inputs, allowOverlap, false);
  }

  /**
   * Like {@link #open(List, boolean)}; with {@code readAhead} the first input (a restore's snapshot
   * or full file, the large one) is read and decompressed ahead on a thread of its own once it
   * proves large (see {@link LtxDecoder#LtxDecoder(InputStream, boolean)}).
   */
  static PageMerger open(
      List<? extends InputStream> inputs, boolean allowOverlap, boolean readAhead)
      throws IOException {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("at least one LTX input is required");
    }
    List<LtxDecoder> decoders = new ArrayList<>(inputs.size());
    try {
      for (int i = 0; i < inputs.size(); i++) {
        try {
          decoders.add(new LtxDecoder(inputs.get(i), readAhead && i == 0));
        } catch (LtxException e) {
          throw new LtxException("input #" + i + ": " + e.getMessage(), e);
        }
      }
      PageMerger merger = new PageMerger(decoders, allowOverlap);
      merger.start();
      return merger;
    } catch (IOException | RuntimeException e) {
      for (int i = decoders.size(); i < inputs.size(); i++) {
        closeQuietly(inputs.get(i), e);
      }
      for (LtxDecoder d : decoders) {
        closeQuietly(d, e);
      }
      throw e;
    }
  }

  List<LtxHeader> headers() {
    return headers;
  }

  int pageSize() {
    return pageSize;
  }

  /** Name of input {@code i} for messages: its index and TXID range. */
  String describe(int i) {
    return "input #" + i + " (" + headers.get(i).fileName() + ")";
  }

  /**
   * Advances to the next page of the merged result.
   *
   * @return its page number, or 0 when all inputs are exhausted
   */
  int next() throws IOException {
    while (true) {
      if (pending != null) {
        advance(pending);
        pending = null;
      }
      Cursor winner = heap.poll();
      if (winner == null) {
        return 0;
      }
      while (!heap.isEmpty() && heap.peek().pgno == winner.pgno) {
        advance(heap.poll());
      }
      pending = winner;
      if (winner.pgno <= winner.survivesUpTo) {
        return winner.pgno;
      }
    }
  }

  /** Content of the page last returned by {@link #next()}; valid until the next call. */
  byte[] page() {
    return pending.page;
  }

  /** Page checksum of the page last returned by {@link #next()}. */
  long pageChecksum() {
    return pending.checksum;
  }

  /**
   * Finishes every input (index, trailer, file checksum) and checks that each input's pre-apply
   * checksum equals the previous one's post-apply checksum where both track checksums.
   *
   * @return the trailers, oldest first
   */
  List<LtxTrailer> finishInputs() throws IOException {
    if (trailers != null) {
      return trailers;
    }
    if (next() != 0) {
      throw new IllegalStateException("finishInputs() called before all pages were merged");
    }
    List<LtxTrailer> result = new ArrayList<>(decoders.size());
    for (int i = 0; i < decoders.size(); i++) {
      try {
        result.add(decoders.get(i).finish());
      } catch (LtxException e) {
        throw new LtxException(describe(i) + ": " + e.getMessage(), e);
      }
    }
    for (int i = 1; i < headers.size(); i++) {
      LtxHeader prev = headers.get(i - 1);
      LtxHeader cur = headers.get(i);
      long post = result.get(i - 1).postApplyChecksum();
      boolean seamless = cur.minTxid() == prev.maxTxid() + 1;
      if (seamless && prev.hasChecksums() && cur.hasChecksums() && cur.preApplyChecksum() != post) {
        throw new LtxException(
            describe(i)
                + " does not continue "
                + describe(i - 1)
                + ": its pre-apply checksum "
                + Checksums.format(cur.preApplyChecksum())
                + " differs from the previous post-apply checksum "
                + Checksums.format(post)
                + " (the replica's history is broken between TXID "
                + Txid.format(prev.maxTxid())
                + " and "
                + Txid.format(cur.minTxid())
                + ")");
      }
    }
    trailers = List.copyOf(result);
    return trailers;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (LtxDecoder d : decoders) {
      try {
        d.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void start() throws IOException {
    int survives = Integer.MAX_VALUE;
    Cursor[] cursors = new Cursor[decoders.size()];
    for (int i = decoders.size() - 1; i >= 0; i--) {
      survives = Math.min(survives, headers.get(i).commit());
      cursors[i] = new Cursor(i, decoders.get(i), pageSize, survives);
    }
    for (Cursor c : cursors) {
      advance(c);
    }
  }

  private void advance(Cursor c) throws IOException {
    try {
      c.pgno = c.decoder.nextPageShared(c.buf);
      c.page = c.decoder.sharedPage();
    } catch (LtxException e) {
      throw new LtxException(describe(c.index) + ": " + e.getMessage(), e);
    }
    if (c.pgno != 0) {
      c.checksum = c.decoder.pageChecksum();
      heap.add(c);
    }
  }

  private void checkContiguity(List<LtxHeader> hs) throws LtxException {
    for (int i = 1; i < hs.size(); i++) {
      LtxHeader prev = hs.get(i - 1);
      LtxHeader cur = hs.get(i);
      if (cur.pageSize() != prev.pageSize()) {
        throw new LtxException(
            describe(i)
                + " has page size "
                + cur.pageSize()
                + " but "
                + describe(i - 1)
                + " has "
                + prev.pageSize());
      }
      if (allowOverlap
          && Long.compareUnsigned(cur.minTxid(), prev.maxTxid()) <= 0
          && Long.compareUnsigned(cur.maxTxid(), prev.maxTxid()) > 0
          && cur.minTxid() > 1) {
        continue; // overlaps the previous input and reaches further
      }
      if (cur.minTxid() != prev.maxTxid() + 1 || prev.maxTxid() == -1L) {
        throw new LtxException(
            describe(i)
                + " does not continue "
                + describe(i - 1)
                + ": expected min TXID "
                + Txid.format(prev.maxTxid() + 1)
                + ", got "
                + Txid.format(cur.minTxid())
                + (Long.compareUnsigned(cur.minTxid(), prev.maxTxid()) <= 0
                    ? " (the files overlap)"
                    : " (TXIDs are missing)"));
      }
    }
  }

  private static void closeQuietly(Closeable c, Throwable primary) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }

  /** One input's position in the merge. */
  private static final class Cursor {
    final int index;
    final LtxDecoder decoder;
    final byte[] buf;
    final int survivesUpTo;
    int pgno;
    byte[] page; // the current page: buf, or the decoder's read-ahead buffer
    long checksum;

    Cursor(int index, LtxDecoder decoder, int pageSize, int survivesUpTo) {
      this.index = index;
      this.decoder = decoder;
      this.buf = new byte[pageSize];
      this.survivesUpTo = survivesUpTo;
    }
  }
}
