package io.litestream4j.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Shared steps of the WAL tests: open SQLite connections that keep their WAL, replay segments onto
 * copies.
 */
final class WalFixtures {
  private WalFixtures() {}

  /**
   * A connection in WAL mode that never checkpoints by itself, on a new database with {@code
   * pageSize}.
   */
  static Connection openWalDatabase(Path db, int pageSize) throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA page_size=" + pageSize);
      s.execute("PRAGMA journal_mode=wal");
      s.execute("PRAGMA wal_autocheckpoint=0");
    }
    return connection;
  }

  static void execute(Connection connection, String... statements) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** Runs {@code statements} as one transaction. */
  static void transaction(Connection connection, String... statements) throws SQLException {
    connection.setAutoCommit(false);
    try {
      execute(connection, statements);
      connection.commit();
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Opens a WAL file, which must have a header. */
  static WalReader reader(FileChannel channel) throws IOException {
    return WalReader.open(channel).orElseThrow(() -> new AssertionError("WAL has no header"));
  }

  /**
   * Writes the latest committed version of every page in {@code segment} into the database file
   * {@code db} and truncates it to the segment's final size, which is what a checkpoint does.
   */
  static void apply(WalReader reader, WalSegment segment, Path db) throws IOException {
    if (segment.isEmpty()) {
      return;
    }
    int pageSize = reader.pageSize();
    ByteBuffer page = ByteBuffer.allocate(pageSize);
    try (FileChannel out = FileChannel.open(db, StandardOpenOption.WRITE)) {
      PageIndex pages = segment.pages();
      for (int i = 0; i < pages.size(); i++) {
        page.clear();
        reader.readPage(pages.pgno(i), pages.frameOffset(i), page);
        page.flip();
        long position = (Integer.toUnsignedLong(pages.pgno(i)) - 1) * pageSize;
        while (page.hasRemaining()) {
          position += out.write(page, position);
        }
      }
      out.truncate(Integer.toUnsignedLong(segment.commit()) * pageSize);
      out.force(true);
    }
  }
}
