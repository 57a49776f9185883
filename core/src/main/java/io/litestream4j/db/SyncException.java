package io.litestream4j.db;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A sync step failed. {@link #diskFull()} tells the monitor to report the typed disk-full condition
 * (metric + log) rather than a generic error; both kinds are retried with backoff.
 */
public final class SyncException extends IOException {
  private static final long serialVersionUID = 1L;
  private final boolean diskFull;

  SyncException(String message, @Nullable Throwable cause) {
    super(message, cause);
    this.diskFull = isDiskFull(cause);
  }

  public boolean diskFull() {
    return diskFull;
  }

  static boolean isDiskFull(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("no space left")
          || m.contains("disk quota")
          || m.contains("enospc")
          || m.contains("disk is full")
          || m.contains("sqlite_full")) {
        return true;
      }
    }
    return false;
  }
}
