package io.litestream4j.sqlite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 24-byte header in front of every page in a WAL file. {@code commit} is non-zero only on the
 * last frame of a transaction, where it holds the database size in pages after that commit. The
 * checksum is cumulative over all frames since the WAL header (see {@link WalChecksum}).
 */
public record WalFrameHeader(
    int pgno, int commit, int salt1, int salt2, int checksum1, int checksum2) {

  /** Size of a frame header in bytes. */
  public static final int SIZE = 24;

  /** True when this frame ends a transaction. */
  public boolean isCommit() {
    return commit != 0;
  }

  /** The cumulative checksum stored in this frame. */
  public WalChecksum checksum() {
    return new WalChecksum(checksum1, checksum2);
  }

  /** Decodes a frame header from {@code bytes[offset, offset + 24)}; no validation. */
  public static WalFrameHeader parse(byte[] bytes, int offset) {
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, SIZE).slice().order(ByteOrder.BIG_ENDIAN);
    return new WalFrameHeader(
        b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20));
  }

  /** Encodes this frame header. */
  public byte[] toBytes() {
    return ByteBuffer.allocate(SIZE)
        .order(ByteOrder.BIG_ENDIAN)
        .putInt(pgno)
        .putInt(commit)
        .putInt(salt1)
        .putInt(salt2)
        .putInt(checksum1)
        .putInt(checksum2)
        .array();
  }
}
