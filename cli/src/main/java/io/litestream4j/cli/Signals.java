package io.litestream4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGINT/SIGTERM handling for commands that must finish something before they exit: the first
 * signal starts a graceful stop (replicate: the final uploads; restore: removing its partial copy,
 * see {@link RestoreSignals}), the second one cuts it short. The callback receives the signal's
 * ordinal (1 for the first, 2 for the second, ...) and the signal name via {@link #last}.
 *
 * <p>The JVM cannot handle a signal that was ignored when it started (a background job of a
 * non-interactive shell starts with SIGINT ignored); {@code bin/litestream4j} resets INT and TERM
 * before starting the JVM, and when the process still starts with one ignored (e.g. {@code java
 * -jar} run directly from a script with {@code &}) a warning says so instead of failing silently.
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);
  private static final int SIGINT = 2;
  private static final int SIGTERM = 15;

  private final AtomicInteger count = new AtomicInteger();
  private volatile String last = "";
  // Touched only by install and uninstall, which a command calls on its own thread.
  private final Map<sun.misc.Signal, sun.misc.SignalHandler> previous = new HashMap<>();

  /** Installs handlers for INT and TERM that call {@code onSignal} on a new thread. */
  void install(IntConsumer onSignal) {
    ignoredAtStart()
        .ifPresent(
            mask -> {
              for (int sig : new int[] {SIGINT, SIGTERM}) {
                if ((mask & (1L << (sig - 1))) != 0) {
                  LOG.warn(
                      "SIG{} is ignored by this process (it was started as a background job of a script?), so {} "
                          + "cannot stop it; start it through bin/litestream4j, which resets the signal, or stop it with {}",
                      sig == SIGINT ? "INT" : "TERM",
                      sig == SIGINT ? "Ctrl+C/kill -INT" : "kill -TERM",
                      sig == SIGINT ? "SIGTERM" : "SIGINT");
                }
              }
            });
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal signal = new sun.misc.Signal(name);
        sun.misc.SignalHandler before =
            sun.misc.Signal.handle(
                signal,
                sig -> {
                  last = "SIG" + sig.getName();
                  int n = count.incrementAndGet();
                  Thread.ofPlatform().name("l4j-signal").start(() -> onSignal.accept(n));
                });
        previous.put(signal, before);
      } catch (IllegalArgumentException e) {
        // signal not available on this platform; the JVM default applies
      }
    }
  }

  /**
   * Puts back the handlers {@link #install} replaced, for a command that ends before its process
   * does (a command run in-process by a test or a tool).
   */
  void uninstall() {
    previous.forEach(sun.misc.Signal::handle);
    previous.clear();
  }

  String last() {
    return last;
  }

  /** How many INT/TERM signals arrived since {@link #install}. */
  int received() {
    return count.get();
  }

  /** The mask of signals ignored by this process (Linux: SigIgn in /proc/self/status), if known. */
  private static Optional<Long> ignoredAtStart() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return Optional.of(Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: nothing to warn about
    }
    return Optional.empty();
  }
}
