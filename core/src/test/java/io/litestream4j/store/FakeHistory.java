package io.litestream4j.store;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A database history made of real LTX files (with rolling checksums), without SQLite: each {@link
 * #commit} changes a few random pages (sometimes growing the database) and yields the next L0 file,
 * so store tests can build replicas of any shape and check what restores produce.
 */
final class FakeHistory {
  static final int PAGE_SIZE = 512;

  private final Random rnd;
  private final TreeMap<Integer, byte[]> pages = new TreeMap<>();
  private final DatabaseChecksum checksum = new DatabaseChecksum(PAGE_SIZE);
  private final Map<Long, Long> checksumAt = new HashMap<>();
  private long txid;

  FakeHistory(long seed) {
    this.rnd = new Random(seed);
  }

  long txid() {
    return txid;
  }

  /** The database's rolling checksum after {@code txid}. */
  long checksumAt(long txid) {
    return checksumAt.get(txid);
  }

  /** The next L0 file: TXID 1 holds every page, later ones a few changed pages. */
  byte[] commit(long timestampMillis) throws IOException {
    TreeSet<Integer> changed = new TreeSet<>();
    int commit = pages.size();
    if (txid == 0) {
      commit = 4;
      for (int p = 1; p <= commit; p++) {
        changed.add(p);
      }
    } else {
      if (rnd.nextInt(4) == 0) {
        commit += 1 + rnd.nextInt(3);
        for (int p = pages.size() + 1; p <= commit; p++) {
          changed.add(p);
        }
      }
      for (int i = 0; i < 1 + rnd.nextInt(3); i++) {
        changed.add(1 + rnd.nextInt(commit));
      }
    }
    long pre = txid == 0 ? 0 : checksum.value();
    txid++;
    LtxHeader header =
        txid == 1
            ? LtxHeader.snapshot(PAGE_SIZE, commit, 1, timestampMillis)
            : LtxHeader.incremental(PAGE_SIZE, commit, txid, txid, timestampMillis, pre);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LtxEncoder enc = new LtxEncoder(out, header)) {
      for (int pgno : changed) {
        byte[] data = new byte[PAGE_SIZE];
        rnd.nextBytes(data);
        pages.put(pgno, data);
        checksum.setPage(pgno, data);
        enc.writePage(pgno, data);
      }
      enc.finish(checksum.value());
    }
    checksumAt.put(txid, checksum.value());
    return out.toByteArray();
  }

  /** Commits and uploads the next L0 file to {@code client}. */
  LtxFileInfo commitTo(ReplicaClient client, long timestampMillis) throws IOException {
    byte[] file = commit(timestampMillis);
    return client.writeLtxFile(LtxFileInfo.L0, txid, txid, new ByteArrayInputStream(file));
  }

  /** A snapshot file [1, txid] of the current state. */
  byte[] snapshot(long timestampMillis) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LtxEncoder enc =
        new LtxEncoder(out, LtxHeader.snapshot(PAGE_SIZE, pages.size(), txid, timestampMillis))) {
      for (var e : pages.entrySet()) {
        enc.writePage(e.getKey(), e.getValue());
      }
      enc.finish(checksum.value());
    }
    return out.toByteArray();
  }

  LtxFileInfo snapshotTo(ReplicaClient client, long timestampMillis) throws IOException {
    return client.writeLtxFile(
        LtxFileInfo.SNAPSHOT_LEVEL, 1, txid, new ByteArrayInputStream(snapshot(timestampMillis)));
  }
}
