package io.litestream4j.tools;

import io.litestream4j.ltx.LtxDecoder;
import io.litestream4j.ltx.LtxException;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.ltx.PageIndexEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/**
 * Walks one LTX file for people debugging a replica: reports the header (even one that breaks the
 * format's rules, so a damaged file can still be looked at), then every page frame with its offset,
 * encoded size and page checksum, then the verified trailer. Everything {@link LtxDecoder} checks
 * is checked; the first problem ends the walk with an {@link LtxException} naming the offset, after
 * the visitor has seen everything before it.
 */
public final class LtxInspector {
  private LtxInspector() {}

  /** Receives what the walk finds, in file order. */
  public interface Visitor {
    /** The header as decoded, before its rules are checked. */
    default void header(LtxHeader header) {}

    /** One page frame: where it is, how long it is encoded, and its page checksum. */
    default void page(PageIndexEntry frame, long pageChecksum) {}
  }

  /** What a complete, valid file contains. */
  public record Summary(LtxHeader header, int pages, LtxTrailer trailer, long bytes) {}

  /**
   * Walks and verifies the LTX file in {@code in} (closed afterwards).
   *
   * @throws LtxException at the first broken rule, truncation or checksum mismatch
   */
  public static Summary inspect(InputStream in, Visitor visitor) throws IOException {
    try (in) {
      byte[] head = in.readNBytes(LtxHeader.SIZE);
      if (head.length == 0) {
        throw new LtxException("file is empty (0 bytes): not an LTX file");
      }
      visitor.header(LtxHeader.decodeUnvalidated(head));
      try (LtxDecoder decoder =
          new LtxDecoder(new SequenceInputStream(new ByteArrayInputStream(head), in))) {
        byte[] page = new byte[decoder.header().pageSize()];
        while (true) {
          long offset = decoder.bytesRead();
          int pgno = decoder.nextPage(page);
          if (pgno == 0) {
            break;
          }
          visitor.page(
              new PageIndexEntry(pgno, offset, decoder.bytesRead() - offset),
              decoder.pageChecksum());
        }
        LtxTrailer trailer = decoder.finish();
        return new Summary(decoder.header(), decoder.pagesRead(), trailer, decoder.bytesRead());
      }
    }
  }

  /** Verifies the LTX file in {@code in} (closed afterwards) without reporting its pages. */
  public static Summary verify(InputStream in) throws IOException {
    return inspect(in, new Visitor() {});
  }
}
