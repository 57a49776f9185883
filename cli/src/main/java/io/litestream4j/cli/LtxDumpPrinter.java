package io.litestream4j.cli;

import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.ltx.PageIndexEntry;
import io.litestream4j.ltx.Txid;
import io.litestream4j.tools.LtxInspector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The two output formats of {@code ltx-file dump}. Both stream: pages are printed as they are
 * decoded, so files with millions of pages need no memory, and a damaged file shows everything up
 * to the problem. The JSON form is always one complete object (with {@code "valid": false} and an
 * {@code "error"} when the file is damaged). TXIDs, checksums and the node id are 16 hex digits,
 * salts 8, timestamps RFC 3339 in UTC with milliseconds.
 */
abstract sealed class LtxDumpPrinter implements LtxInspector.Visitor {
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  final PrintWriter out;

  private LtxDumpPrinter(PrintWriter out) {
    this.out = out;
  }

  static LtxDumpPrinter text(PrintWriter out) {
    return new Text(out);
  }

  static LtxDumpPrinter json(PrintWriter out) {
    return new Json(out);
  }

  /** Before anything is read. */
  abstract void begin(Path file, long size);

  /** After the file verified completely. */
  abstract void end(LtxInspector.Summary summary);

  /** After the walk stopped at a problem. */
  abstract void fail(String reason);

  static String rfc3339(long millis) {
    return RFC3339.format(Instant.ofEpochMilli(millis));
  }

  static String hex32(int v) {
    return String.format(Locale.ROOT, "%08x", v);
  }

  /** Aligned "Label: value" lines and a page table. */
  private static final class Text extends LtxDumpPrinter {
    private static final String ROW = "%10s  %14s  %8s  %s%n";

    Text(PrintWriter out) {
      super(out);
    }

    @Override
    void begin(Path file, long size) {
      field("File", file.toString());
      field("Size", size + " bytes");
    }

    @Override
    public void header(LtxHeader h) {
      field(
          "Flags",
          String.format(Locale.ROOT, "0x%08x", h.flags())
              + ((h.flags() & LtxHeader.FLAG_NO_CHECKSUM) != 0 ? " (no checksum)" : ""));
      field("Page size", Integer.toUnsignedString(h.pageSize()));
      field("Commit", Integer.toUnsignedString(h.commit()) + " pages");
      field("Min TXID", Txid.format(h.minTxid()) + (h.isSnapshot() ? " (snapshot)" : ""));
      field("Max TXID", Txid.format(h.maxTxid()));
      field("Timestamp", rfc3339(h.timestamp()));
      field("Pre-apply checksum", Checksums.format(h.preApplyChecksum()));
      field("WAL offset", Long.toString(h.walOffset()));
      field("WAL size", Long.toString(h.walSize()));
      field("WAL salt-1", hex32(h.walSalt1()));
      field("WAL salt-2", hex32(h.walSalt2()));
      field("Node ID", Txid.format(h.nodeId()));
      out.println();
      out.printf(Locale.ROOT, ROW, "PGNO", "OFFSET", "SIZE", "CHECKSUM");
    }

    @Override
    public void page(PageIndexEntry frame, long pageChecksum) {
      out.printf(
          Locale.ROOT,
          ROW,
          Integer.toUnsignedString(frame.pgno()),
          frame.offset(),
          frame.size(),
          Checksums.format(pageChecksum));
    }

    @Override
    void end(LtxInspector.Summary s) {
      LtxTrailer t = s.trailer();
      out.println();
      field("Pages", Integer.toString(s.pages()));
      field("Post-apply checksum", Checksums.format(t.postApplyChecksum()));
      field("File checksum", Checksums.format(t.fileChecksum()) + " (verified)");
    }

    @Override
    void fail(String reason) {
      out.println();
      field("INVALID", reason);
    }

    private void field(String label, String value) {
      out.printf(Locale.ROOT, "%-20s %s%n", label + ":", value);
    }
  }

  /** One JSON object, written as the file is read. */
  private static final class Json extends LtxDumpPrinter {
    private boolean inPages;
    private boolean firstPage = true;

    Json(PrintWriter out) {
      super(out);
    }

    @Override
    void begin(Path file, long size) {
      out.print("{\"file\":" + quote(file.toString()) + ",\"size\":" + size);
    }

    @Override
    public void header(LtxHeader h) {
      out.print(
          ",\"header\":{"
              + "\"flags\":"
              + Integer.toUnsignedLong(h.flags())
              + ",\"noChecksum\":"
              + ((h.flags() & LtxHeader.FLAG_NO_CHECKSUM) != 0)
              + ",\"pageSize\":"
              + Integer.toUnsignedLong(h.pageSize())
              + ",\"commit\":"
              + Integer.toUnsignedLong(h.commit())
              + ",\"minTxid\":"
              + quote(Txid.format(h.minTxid()))
              + ",\"maxTxid\":"
              + quote(Txid.format(h.maxTxid()))
              + ",\"snapshot\":"
              + h.isSnapshot()
              + ",\"timestamp\":"
              + quote(rfc3339(h.timestamp()))
              + ",\"timestampMillis\":"
              + h.timestamp()
              + ",\"preApplyChecksum\":"
              + quote(Checksums.format(h.preApplyChecksum()))
              + ",\"walOffset\":"
              + h.walOffset()
              + ",\"walSize\":"
              + h.walSize()
              + ",\"walSalt1\":"
              + quote(hex32(h.walSalt1()))
              + ",\"walSalt2\":"
              + quote(hex32(h.walSalt2()))
              + ",\"nodeId\":"
              + quote(Txid.format(h.nodeId()))
              + "},\"pages\":[");
      inPages = true;
    }

    @Override
    public void page(PageIndexEntry frame, long pageChecksum) {
      out.print(
          (firstPage ? "" : ",")
              + "\n{\"pgno\":"
              + Integer.toUnsignedLong(frame.pgno())
              + ",\"offset\":"
              + frame.offset()
              + ",\"size\":"
              + frame.size()
              + ",\"checksum\":"
              + quote(Checksums.format(pageChecksum))
              + "}");
      firstPage = false;
    }

    @Override
    void end(LtxInspector.Summary s) {
      closePages();
      out.println(
          ",\"pageCount\":"
              + s.pages()
              + ",\"trailer\":{\"postApplyChecksum\":"
              + quote(Checksums.format(s.trailer().postApplyChecksum()))
              + ",\"fileChecksum\":"
              + quote(Checksums.format(s.trailer().fileChecksum()))
              + "},\"valid\":true}");
    }

    @Override
    void fail(String reason) {
      closePages();
      out.println(",\"valid\":false,\"error\":" + quote(reason) + "}");
    }

    private void closePages() {
      if (inPages) {
        out.print(firstPage ? "]" : "\n]");
        inPages = false;
      }
    }

    static String quote(String s) {
      return io.litestream4j.server.Json.write(s);
    }
  }
}
