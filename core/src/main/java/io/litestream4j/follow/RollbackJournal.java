package io.litestream4j.follow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SortedSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a SQLite rollback journal ({@code <db>-journal}) in SQLite's own format: the original
 * content of every page a transaction is about to overwrite, so that if the process dies while
 * pages are being written, the next SQLite connection that opens the database finds a <em>hot
 * journal</em> and rolls the database back to its state before the transaction — exactly what
 * SQLite does for its own transactions in {@code journal_mode=DELETE}.
 *
 * <p>Format (SQLite file format §4.1): a header of one sector (512 bytes) holding the magic {@code
 * d9d505f920a163d7}, the record count, a random checksum nonce, the database size in pages before
 * the transaction, the sector size and the page size; then one record per page: page number, page
 * content, and a checksum (the nonce plus every 200th byte of the page, as SQLite's {@code
 * pager_cksum}). Pages above the original size are not journaled: rollback truncates the file to
 * the original size.
 */
final class RollbackJournal {
  private static final byte[] MAGIC = {
    (byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1, 0x63, (byte) 0xd7
  };
  private static final int SECTOR_SIZE = 512;

  private RollbackJournal() {}

  /**
   * Writes and fsyncs the journal of {@code db} for overwriting {@code pgnos} (only those within
   * the first {@code originalPages} pages are recorded).
   */
  static void write(
      Path journal, FileChannel db, int pageSize, int originalPages, SortedSet<Integer> pgnos)
      throws IOException {
    int nonce = ThreadLocalRandom.current().nextInt();
    SortedSet<Integer> recorded = pgnos.headSet(originalPages + 1);
    try (FileChannel j =
        FileChannel.open(
            journal,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(SECTOR_SIZE);
      header
          .put(MAGIC)
          .putInt(recorded.size())
          .putInt(nonce)
          .putInt(originalPages)
          .putInt(SECTOR_SIZE)
          .putInt(pageSize);
      header.clear();
      writeFully(j, header, 0);
      long pos = SECTOR_SIZE;
      ByteBuffer record = ByteBuffer.allocate(4 + pageSize + 4);
      for (int pgno : recorded) {
        record.clear();
        record.putInt(pgno);
        ByteBuffer page = record.slice(4, pageSize);
        readFully(db, page, (long) (pgno - 1) * pageSize);
        record.putInt(4 + pageSize, checksum(record.array(), 4, pageSize, nonce));
        record.clear();
        writeFully(j, record, pos);
        pos += record.capacity();
      }
      j.force(true);
    }
  }

  /** SQLite's journal record checksum. */
  static int checksum(byte[] page, int off, int pageSize, int nonce) {
    int sum = nonce;
    for (int i = pageSize - 200; i > 0; i -= 200) {
      sum += page[off + i] & 0xff;
    }
    return sum;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new IOException(
            "database file ends before page at offset " + pos + " that the journal must save");
      }
      pos += n;
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }
}
