package io.litestream4j.cli;

import java.io.Console;

/**
 * Whether this process talks to a terminal, for output meant only for people (the progress bar,
 * coloured logs). On JDK 22+ {@link System#console()} may return a console even when the streams
 * are redirected, so its {@code isTerminal()} (JDK 22+, called reflectively: we compile for 21)
 * decides.
 */
final class Terminal {
  private Terminal() {}

  static boolean isInteractive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true; // JDK 21: a console exists only on a terminal
    }
  }
}
