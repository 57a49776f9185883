package io.litestream4j.cli;

import java.util.function.Supplier;

/**
 * Marks a command that runs inside the {@code replicate} daemon (its MCP tools run CLI commands
 * in-process) rather than as the process's own command. The daemon owns what is process-wide: such
 * a command leaves the logging configuration and the SIGINT/SIGTERM handlers alone (a restore run
 * from a tool must not take the daemon's graceful shutdown away). The mark is per thread and ends
 * with the command.
 */
final class DaemonScope {
  private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

  private DaemonScope() {}

  /** Runs {@code command} marked as running inside the daemon. */
  static <T> T run(Supplier<T> command) {
    INSIDE.set(true);
    try {
      return command.get();
    } finally {
      INSIDE.remove();
    }
  }

  /** True on a thread running a command inside the daemon. */
  static boolean inside() {
    return INSIDE.get();
  }
}
