package io.litestream4j.ltx;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/** Test helpers: encode page maps, decode files back into page maps, make page content. */
final class TestFiles {
  private TestFiles() {}

  record Decoded(LtxHeader header, SortedMap<Integer, byte[]> pages, LtxTrailer trailer) {}

  static byte[] encode(LtxHeader header, Map<Integer, byte[]> pages, long post) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LtxEncoder enc = new LtxEncoder(out, header)) {
      for (var e : new TreeMap<>(pages).entrySet()) {
        enc.writePage(e.getKey(), e.getValue());
      }
      enc.finish(post);
    }
    return out.toByteArray();
  }

  static Decoded decode(byte[] file) throws IOException {
    try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file))) {
      SortedMap<Integer, byte[]> pages = new TreeMap<>();
      byte[] buf = new byte[dec.header().pageSize()];
      for (int pgno = dec.nextPage(buf); pgno != 0; pgno = dec.nextPage(buf)) {
        pages.put(pgno, buf.clone());
      }
      return new Decoded(dec.header(), pages, dec.finish());
    }
  }

  /** Page content that compresses somewhat, like real pages: a random prefix and zeros. */
  static byte[] page(Random rnd, int pageSize) {
    byte[] b = new byte[pageSize];
    int filled = rnd.nextInt(pageSize + 1);
    for (int i = 0; i < filled; i++) {
      b[i] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt() : i / 7);
    }
    return b;
  }

  /**
   * The database checksum of a page map (pages 1..commit must all be present except the lock page).
   */
  static long checksum(int pageSize, Map<Integer, byte[]> pages) {
    DatabaseChecksum c = new DatabaseChecksum(pageSize);
    for (var e : pages.entrySet()) {
      c.setPage(e.getKey(), e.getValue());
    }
    return c.value();
  }

  static List<InputStream> streams(List<byte[]> files) {
    List<InputStream> in = new ArrayList<>();
    for (byte[] f : files) {
      in.add(new ByteArrayInputStream(f));
    }
    return in;
  }
}
