package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program the harness started (a replicator, a restore, a CLI call), with its output in a log
 * file under the run's {@code raw/} directory. Stopping is graceful first (SIGTERM, as an operator
 * would, so replicators flush and exit) and forceful after a grace period; descendants are killed
 * too. Only processes started here are ever signalled.
 */
final class Child implements AutoCloseable {
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(15);

  private final String name;
  private final Process process;
  private final Path log;

  private Child(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with stdout and stderr appended to {@code log}. */
  static Child start(String name, List<String> command, Path log, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    pb.environment().putAll(env);
    try {
      return new Child(name, pb.start(), log);
    } catch (IOException e) {
      throw new IOException(
          "cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File("/dev/null");
  }

  /**
   * Runs {@code command} to completion (or kills it after {@code timeout}) and returns its exit
   * code.
   */
  static int run(
      String name, List<String> command, Path log, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    try (Child c = start(name, command, log, env)) {
      if (!c.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(name + " did not finish within " + timeout + "; see " + log);
      }
      return c.process.exitValue();
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Exit code, waiting at most {@code timeout}. */
  int waitFor(Duration timeout) throws InterruptedException, IOException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException(name + " still running after " + timeout + "; see " + log);
    }
    return process.exitValue();
  }

  /**
   * SIGTERM, wait up to {@code grace}, then SIGKILL (with descendants). Returns the exit code or
   * -1.
   */
  int stop(Duration grace) {
    if (process.isAlive()) {
      process.destroy();
      try {
        process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      System.err.println(
          "bench: " + name + " (pid " + pid() + ") ignored SIGTERM for " + grace + "; killing it");
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  @Override
  public void close() {
    stop(DEFAULT_GRACE);
  }
}
