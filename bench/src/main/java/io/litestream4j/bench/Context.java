package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every benchmark gets: the plan (quick or full), the programs under test, a scratch directory
 * that is deleted at the end, the {@code raw/} directory for logs and raw samples, and the run's
 * {@link Cleanup}.
 */
record Context(
    Plan plan, Tools tools, Path work, Path raw, Cleanup cleanup, AtomicInteger sequence) {

  Context(Plan plan, Tools tools, Path work, Path raw, Cleanup cleanup) {
    this(plan, tools, work, raw, cleanup, new AtomicInteger());
  }

  /** The results directory (results.json, results.md, plots); {@code raw/} is inside it. */
  Path out() {
    return raw.getParent();
  }

  /** A fresh scratch directory, deleted at the end of the run. */
  Path newDir(String prefix) throws IOException {
    return cleanup.tempDir(work, prefix + "-");
  }

  /** A new log file in {@code raw/}, named after {@code name} and numbered in start order. */
  Path logFile(String name) {
    return rawFile(name, "log");
  }

  /** A new file in {@code raw/} with the given extension, numbered in creation order. */
  Path rawFile(String name, String extension) {
    return raw.resolve(String.format("%03d-%s.%s", sequence.incrementAndGet(), name, extension));
  }

  /** Starts a child process that is stopped at cleanup if its owner does not stop it first. */
  Child start(String name, List<String> command) throws IOException {
    return cleanup.track(Child.start(name, command, logFile(name), Map.of()));
  }

  /** Stops a child started with {@link #start} now. */
  int stop(Child child) {
    int code = child.stop(java.time.Duration.ofSeconds(15));
    cleanup.untrack(child);
    return code;
  }

  void progress(String format, Object... args) {
    System.err.printf(
        "bench %s  %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
  }
}
