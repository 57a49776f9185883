package io.litestream4j.cli;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * SIGINT/SIGTERM handling for long-running commands: the first signal starts a graceful shutdown,
 * the second one cuts the shutdown's wait for final uploads short. The callback receives the
 * signal's ordinal (1 for the first, 2 for the second, ...) and the signal name via {@link #last}.
 */
final class Signals {
  private final AtomicInteger count = new AtomicInteger();
  private volatile String last = "";

  /** Installs handlers for INT and TERM that call {@code onSignal} on a new thread. */
  void install(IntConsumer onSignal) {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
          last = "SIG" + sig.getName();
          int n = count.incrementAndGet();
          Thread.ofPlatform().name("l4j-signal").start(() -> onSignal.accept(n));
        });
      } catch (IllegalArgumentException e) {
        // signal not available on this platform; the JVM default applies
      }
    }
  }

  String last() {
    return last;
  }
}
