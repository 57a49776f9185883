package io.litestream4j.sqlite;

import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Builds WAL files byte by byte, with correct checksums in either byte order, so tests can produce
 * layouts SQLite on this machine never writes (big-endian checksums) and then damage them
 * precisely. {@code WalReaderSqliteTest} proves that SQLite itself accepts what this class writes.
 */
final class SyntheticWal {
  private final ByteOrder order;
  private final int pageSize;
  private final int salt1;
  private final int salt2;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private WalChecksum running;
  private int frames;

  SyntheticWal(ByteOrder order, int pageSize, int salt1, int salt2) {
    this(order, pageSize, 0, salt1, salt2);
  }

  SyntheticWal(ByteOrder order, int pageSize, int checkpointSeq, int salt1, int salt2) {
    this.order = order;
    this.pageSize = pageSize;
    this.salt1 = salt1;
    this.salt2 = salt2;
    int magic =
        order == ByteOrder.BIG_ENDIAN ? WalHeader.MAGIC_BIG_ENDIAN : WalHeader.MAGIC_LITTLE_ENDIAN;
    byte[] partial =
        new WalHeader(magic, WalHeader.FORMAT_VERSION, pageSize, checkpointSeq, salt1, salt2, 0, 0)
            .toBytes();
    running = WalChecksum.ZERO.update(order, partial, 0, 24);
    out.writeBytes(
        new WalHeader(
                magic,
                WalHeader.FORMAT_VERSION,
                pageSize,
                checkpointSeq,
                salt1,
                salt2,
                running.s1(),
                running.s2())
            .toBytes());
  }

  /** Appends a valid frame. */
  SyntheticWal frame(int pgno, int commit, byte[] page) {
    return frame(pgno, commit, page, salt1, salt2);
  }

  /**
   * Appends a frame with the given salts; the checksum chain continues as SQLite would compute it.
   */
  SyntheticWal frame(int pgno, int commit, byte[] page, int frameSalt1, int frameSalt2) {
    if (page.length != pageSize) {
      throw new IllegalArgumentException(
          "page has " + page.length + " bytes, expected " + pageSize);
    }
    byte[] head = new WalFrameHeader(pgno, commit, frameSalt1, frameSalt2, 0, 0).toBytes();
    running = running.update(order, head, 0, 8).update(order, page, 0, pageSize);
    out.writeBytes(
        new WalFrameHeader(pgno, commit, frameSalt1, frameSalt2, running.s1(), running.s2())
            .toBytes());
    out.writeBytes(page);
    frames++;
    return this;
  }

  /**
   * A transaction writing {@code pgnos} in order, the last frame committing a database of {@code
   * dbSize} pages.
   */
  SyntheticWal transaction(int dbSize, int seed, int... pgnos) {
    for (int i = 0; i < pgnos.length; i++) {
      frame(pgnos[i], i == pgnos.length - 1 ? dbSize : 0, page(pageSize, seed * 1000 + pgnos[i]));
    }
    return this;
  }

  int frames() {
    return frames;
  }

  long frameOffset(int index) {
    return WalHeader.SIZE + (long) index * (WalFrameHeader.SIZE + pageSize);
  }

  WalChecksum checksum() {
    return running;
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** Deterministic page content. */
  static byte[] page(int pageSize, int seed) {
    byte[] page = new byte[pageSize];
    new Random(seed).nextBytes(page);
    return page;
  }
}
