package io.litestream4j.sqlite;

import java.io.IOException;

/**
 * A database, its WAL or its wal-index changed while a tool was reading it without a lock, so the
 * pages read may mix two states. Nothing read may be used; reading again usually succeeds once the
 * writer is idle.
 */
public final class DatabaseChangedException extends IOException {
  private static final long serialVersionUID = 1L;

  public DatabaseChangedException(String message) {
    super(message);
  }
}
