package io.litestream4j.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The fields of the 100-byte SQLite database header that replication depends on. Parsing validates
 * the magic string and the page size, so a value of this type always describes a real SQLite
 * database file (header at offset 0, big-endian fields).
 *
 * @param pageSize page size in bytes (the on-disk value 1 is decoded to 65536)
 * @param pageCount the "in-header database size" in pages (offset 28)
 * @param fileChangeCounter incremented by rollback-mode writers (offset 24)
 * @param versionValidFor the change counter value for which {@code pageCount} is valid (offset 92)
 * @param writeVersion file format write version: 1 = rollback journal, 2 = WAL (offset 18)
 * @param readVersion file format read version: 1 = rollback journal, 2 = WAL (offset 19)
 * @param reservedBytes unused bytes at the end of each page (offset 20)
 */
public record DatabaseHeader(
    int pageSize,
    int pageCount,
    int fileChangeCounter,
    int versionValidFor,
    int writeVersion,
    int readVersion,
    int reservedBytes) {

  /** Size of the header in bytes. */
  public static final int SIZE = 100;

  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

  public DatabaseHeader {
    if (!PageSizes.isValid(pageSize)) {
      throw new IllegalArgumentException(
          "page size must be a power of two from 512 to 65536, got " + pageSize);
    }
  }

  /** Reads the header of the database file at {@code path}. */
  public static DatabaseHeader read(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(channel);
    } catch (SqliteFormatException e) {
      throw new SqliteFormatException(path + ": " + e.getMessage());
    }
  }

  /** Reads the header at offset 0 of {@code channel} without moving the channel's position. */
  public static DatabaseHeader read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(SIZE);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        throw new SqliteFormatException(
            "database file is "
                + buffer.position()
                + " bytes long, shorter than the "
                + SIZE
                + "-byte SQLite header");
      }
    }
    return parse(buffer.flip());
  }

  /**
   * Parses a header from the next {@value #SIZE} bytes of {@code buffer} (its position advances).
   */
  public static DatabaseHeader parse(ByteBuffer buffer) throws SqliteFormatException {
    if (buffer.remaining() < SIZE) {
      throw new SqliteFormatException(
          "need " + SIZE + " bytes for the database header, got " + buffer.remaining());
    }
    ByteBuffer b = buffer.slice().order(ByteOrder.BIG_ENDIAN);
    buffer.position(buffer.position() + SIZE);
    byte[] magic = new byte[MAGIC.length];
    b.get(0, magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new SqliteFormatException(
          "not a SQLite database: header does not start with \"SQLite format 3\\0\"");
    }
    int rawPageSize = Short.toUnsignedInt(b.getShort(16));
    int pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
    if (!PageSizes.isValid(pageSize)) {
      throw new SqliteFormatException(
          "database header has invalid page size "
              + rawPageSize
              + " at offset 16 (expected a power of two from 512 to 32768, or 1 for 65536)");
    }
    return new DatabaseHeader(
        pageSize,
        b.getInt(28),
        b.getInt(24),
        b.getInt(92),
        Byte.toUnsignedInt(b.get(18)),
        Byte.toUnsignedInt(b.get(19)),
        Byte.toUnsignedInt(b.get(20)));
  }

  /** True when the file is marked as a WAL-mode database (read and write version 2). */
  public boolean walMode() {
    return writeVersion == 2 && readVersion == 2;
  }

  /**
   * The database size in pages as SQLite determines it: the in-header size when it is valid
   * (non-zero and written by the same transaction as the change counter), else the file size.
   */
  public long effectivePageCount(long fileSize) {
    if (pageCount != 0 && versionValidFor == fileChangeCounter) {
      return Integer.toUnsignedLong(pageCount);
    }
    return fileSize / pageSize;
  }
}
