package io.litestream4j.sqlite;

import java.io.IOException;

/**
 * The database file alone is not the database: committed WAL frames have not been checkpointed into
 * it, or a hot rollback journal says it is half-written. Thrown by tools that would otherwise copy
 * an outdated or torn state; the message says what is pending and how to resolve it.
 */
public final class PendingChangesException extends IOException {
  private static final long serialVersionUID = 1L;

  public PendingChangesException(String message) {
    super(message);
  }
}
