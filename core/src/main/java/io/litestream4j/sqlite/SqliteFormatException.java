package io.litestream4j.sqlite;

import java.io.IOException;

/**
 * A SQLite database or WAL file is not in the format SQLite writes: wrong magic, impossible page
 * size, failed checksum, or too short. Thrown instead of guessing, because every consumer of these
 * readers (sync, snapshot, restore) would otherwise replicate garbage. The message names the file
 * part, the offending value and what was expected.
 */
public final class SqliteFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public SqliteFormatException(String message) {
    super(message);
  }
}
