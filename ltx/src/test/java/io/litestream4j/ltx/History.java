package io.litestream4j.ltx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Test model of a database's life: random transactions that grow, shrink and rewrite pages (new
 * pages are always written, as SQLite does), grouped into a snapshot and incremental LTX files,
 * with the database state after each file to compare against.
 */
final class History {
  final int pageSize;
  final List<byte[]> files = new ArrayList<>();
  final List<LtxHeader> headers = new ArrayList<>();

  /** Database content (pages 1..commit) after each file. */
  final List<TreeMap<Integer, byte[]>> states = new ArrayList<>();

  private History(int pageSize) {
    this.pageSize = pageSize;
  }

  static History generate(Random rnd, int pageSize, int fileCount, boolean mixNoChecksum)
      throws IOException {
    History h = new History(pageSize);
    TreeMap<Integer, byte[]> db = new TreeMap<>();
    long txid = 0;
    for (int f = 0; f < fileCount; f++) {
      long min = txid + 1;
      long preChecksum = TestFiles.checksum(pageSize, db);
      TreeSet<Integer> touched = new TreeSet<>();
      int txns = 1 + rnd.nextInt(3);
      for (int t = 0; t < txns; t++) {
        txid++;
        int commit = db.size();
        int newCommit =
            f == 0 && t == 0
                ? 1 + rnd.nextInt(12)
                : Math.max(1, commit + rnd.nextInt(6) - (rnd.nextInt(4) == 0 ? 4 : 0));
        db.tailMap(newCommit, false).clear();
        for (int p = commit + 1; p <= newCommit; p++) {
          db.put(p, TestFiles.page(rnd, pageSize));
          touched.add(p);
        }
        for (int n = rnd.nextInt(4); n > 0; n--) {
          int p = 1 + rnd.nextInt(newCommit);
          db.put(p, TestFiles.page(rnd, pageSize));
          touched.add(p);
        }
      }
      int commit = db.size();
      boolean checksums = !(mixNoChecksum && rnd.nextInt(3) == 0);
      LtxHeader header =
          f == 0
              ? LtxHeader.snapshot(pageSize, commit, txid, 1000L * f)
              : LtxHeader.incremental(pageSize, commit, min, txid, 1000L * f, preChecksum);
      if (!checksums) {
        header = header.withoutChecksums();
      }
      TreeMap<Integer, byte[]> pages = new TreeMap<>();
      for (int p : f == 0 ? db.navigableKeySet() : touched.headSet(commit, true)) {
        pages.put(p, db.get(p));
      }
      h.files.add(
          TestFiles.encode(header, pages, checksums ? TestFiles.checksum(pageSize, db) : 0));
      h.headers.add(header);
      h.states.add(new TreeMap<>(db));
    }
    return h;
  }

  static byte[] image(java.util.SortedMap<Integer, byte[]> db, int pageSize) {
    byte[] out = new byte[db.size() * pageSize];
    db.forEach((p, page) -> System.arraycopy(page, 0, out, (p - 1) * pageSize, pageSize));
    return out;
  }
}
