package io.litestream4j.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * The 32-byte header of a SQLite WAL file. Parsing validates magic, format version, page size and
 * the header checksum, so a value of this type is a header SQLite itself would accept. All fields
 * are stored big-endian; only the checksums' byte order depends on the magic.
 */
public record WalHeader(
    int magic,
    int formatVersion,
    int pageSize,
    int checkpointSeq,
    int salt1,
    int salt2,
    int checksum1,
    int checksum2) {

  /** Size of the header in bytes. */
  public static final int SIZE = 32;

  /** Magic for little-endian checksums. */
  public static final int MAGIC_LITTLE_ENDIAN = 0x377f0682;

  /** Magic for big-endian checksums. */
  public static final int MAGIC_BIG_ENDIAN = 0x377f0683;

  /** The only WAL format version SQLite has written. */
  public static final int FORMAT_VERSION = 3007000;

  /** True when the checksums of this WAL are computed over big-endian words. */
  public boolean bigEndianChecksums() {
    return magic == MAGIC_BIG_ENDIAN;
  }

  /** The byte order of the checksum words. */
  public ByteOrder checksumOrder() {
    return bigEndianChecksums() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }

  /** The checksum stored in the header; the first frame's checksum continues from it. */
  public WalChecksum checksum() {
    return new WalChecksum(checksum1, checksum2);
  }

  /** Size of one frame (frame header plus page) in bytes. */
  public int frameSize() {
    return WalFrameHeader.SIZE + pageSize;
  }

  /**
   * Reads and validates the header at offset 0 of {@code channel} without moving its position.
   *
   * @throws SqliteFormatException when the file is shorter than the header or the header is invalid
   */
  public static WalHeader read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(SIZE);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        throw new SqliteFormatException(
            "WAL file is "
                + buffer.position()
                + " bytes long, shorter than the "
                + SIZE
                + "-byte WAL header");
      }
    }
    return parse(buffer.array(), 0);
  }

  /** Parses and validates a header from {@code bytes[offset, offset + 32)}. */
  public static WalHeader parse(byte[] bytes, int offset) throws SqliteFormatException {
    if (bytes.length - offset < SIZE) {
      throw new SqliteFormatException(
          "need " + SIZE + " bytes for the WAL header, got " + (bytes.length - offset));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, offset, SIZE).slice().order(ByteOrder.BIG_ENDIAN);
    WalHeader header =
        new WalHeader(
            b.getInt(0),
            b.getInt(4),
            b.getInt(8),
            b.getInt(12),
            b.getInt(16),
            b.getInt(20),
            b.getInt(24),
            b.getInt(28));
    if (header.magic != MAGIC_LITTLE_ENDIAN && header.magic != MAGIC_BIG_ENDIAN) {
      throw new SqliteFormatException(
          String.format(
              "not a SQLite WAL: magic is 0x%08x, expected 0x%08x or 0x%08x",
              header.magic, MAGIC_LITTLE_ENDIAN, MAGIC_BIG_ENDIAN));
    }
    if (header.formatVersion != FORMAT_VERSION) {
      throw new SqliteFormatException(
          "unsupported WAL format version "
              + header.formatVersion
              + ", expected "
              + FORMAT_VERSION);
    }
    if (!PageSizes.isValid(header.pageSize)) {
      throw new SqliteFormatException(
          "WAL header has invalid page size "
              + header.pageSize
              + " (expected a power of two from 512 to 65536)");
    }
    WalChecksum computed = WalChecksum.ZERO.update(header.checksumOrder(), bytes, offset, 24);
    if (!computed.equals(header.checksum())) {
      throw new SqliteFormatException(
          "WAL header checksum mismatch: stored "
              + header.checksum()
              + ", computed "
              + computed
              + " (torn or corrupt header)");
    }
    return header;
  }

  /** Encodes this header; the stored checksum fields are written as they are. */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
    b.putInt(magic)
        .putInt(formatVersion)
        .putInt(pageSize)
        .putInt(checkpointSeq)
        .putInt(salt1)
        .putInt(salt2)
        .putInt(checksum1)
        .putInt(checksum2);
    return b.array();
  }
}
