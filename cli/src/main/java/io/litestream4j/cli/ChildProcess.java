package io.litestream4j.cli;

import java.io.IOException;
import java.util.List;

/**
 * The application run by {@code replicate -exec}: its program started directly (no shell between,
 * see {@link CommandWords}) with this process's environment and stdio, so the signals {@code
 * replicate} forwards reach the application itself; replication ends when it exits.
 */
final class ChildProcess {
  private final Process process;
  private volatile @org.jspecify.annotations.Nullable String
      forwarded; // last signal sent, bare name

  private ChildProcess(Process process) {
    this.process = process;
  }

  /** Starts {@code words}: the program, then its arguments. */
  static ChildProcess start(List<String> words) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(words).inheritIO();
    try {
      return new ChildProcess(pb.start());
    } catch (IOException e) {
      throw new IOException("cannot start the exec command " + words + ": " + e.getMessage(), e);
    }
  }

  /** Sends {@code signal} (e.g. {@code SIGINT}) to the child. */
  void forward(String signal) {
    if (!process.isAlive()) {
      return;
    }
    String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
    forwarded = name;
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .inheritIO()
          .start()
          .waitFor();
    } catch (IOException e) {
      process.destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
    }
  }

  /**
   * Kills the child (SIGKILL) if it is still running and waits briefly for it to go; true if it was
   * running.
   */
  boolean kill() {
    if (!process.isAlive()) {
      return false;
    }
    process.destroyForcibly();
    try {
      process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code timeout} for the child to exit; true if it has. */
  boolean await(java.time.Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /**
   * True when {@code code} is what a shell reports for a process ended by the last signal this
   * replicator forwarded ({@code 128 +} its number, e.g. 143 after SIGTERM): an ordinary stop.
   */
  boolean exitedOnForwardedSignal(int code) {
    String s = forwarded;
    if (s == null) {
      return false;
    }
    int number =
        switch (s) {
          case "HUP" -> 1;
          case "INT" -> 2;
          case "QUIT" -> 3;
          case "KILL" -> 9;
          case "TERM" -> 15;
          default -> -1;
        };
    return number > 0 && code == 128 + number;
  }

  /** Waits for the child to exit and returns its exit code. */
  int await() {
    while (true) {
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
      }
    }
  }
}
