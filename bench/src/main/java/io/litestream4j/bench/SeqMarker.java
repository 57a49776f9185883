package io.litestream4j.bench;

import java.nio.charset.StandardCharsets;

/**
 * The stamp each benchmark row carries in its payload: {@code ~L4JSEQ:000000000042~}. SQLite stores
 * blobs verbatim in the page, so finding the highest stamp in the bytes a replicator shipped
 * (decoded LTX pages, or decompressed WAL segments for Litestream 0.3) tells which commits a
 * replica holds without restoring it, the same way for both replicators.
 */
final class SeqMarker {
  static final int LENGTH = 21;
  private static final byte[] PREFIX = "~L4JSEQ:".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGITS = 12;

  private SeqMarker() {}

  static byte[] encode(long seq) {
    if (seq < 0 || seq >= 1_000_000_000_000L) {
      throw new IllegalArgumentException("sequence number out of range: " + seq);
    }
    return String.format("~L4JSEQ:%012d~", seq).getBytes(StandardCharsets.US_ASCII);
  }

  /** The highest stamp in {@code buf[off, off+len)}, or 0 if there is none. */
  static long maxIn(byte[] buf, int off, int len) {
    long max = 0;
    int end = off + len - LENGTH;
    for (int i = off; i <= end; i++) {
      if (buf[i] != '~' || !startsWithPrefix(buf, i)) {
        continue;
      }
      long v = 0;
      int j = i + PREFIX.length;
      boolean ok = true;
      for (int k = 0; k < DIGITS; k++) {
        int d = buf[j + k] - '0';
        if (d < 0 || d > 9) {
          ok = false;
          break;
        }
        v = v * 10 + d;
      }
      if (ok && buf[j + DIGITS] == '~') {
        max = Math.max(max, v);
        i += LENGTH - 1;
      }
    }
    return max;
  }

  private static boolean startsWithPrefix(byte[] buf, int i) {
    for (int k = 1; k < PREFIX.length; k++) {
      if (buf[i + k] != PREFIX[k]) {
        return false;
      }
    }
    return true;
  }
}
