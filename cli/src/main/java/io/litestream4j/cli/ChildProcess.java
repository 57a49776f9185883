package io.litestream4j.cli;

import java.io.IOException;
import java.util.List;

/**
 * The application run by {@code replicate -exec}: started through {@code /bin/sh -c} with this
 * process's stdio, receives the signals {@code replicate} receives, and ends replication when it
 * exits.
 */
final class ChildProcess {
  private final Process process;

  private ChildProcess(Process process) {
    this.process = process;
  }

  static ChildProcess start(String command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", command)).inheritIO();
    return new ChildProcess(pb.start());
  }

  /** Sends {@code signal} (e.g. {@code SIGINT}) to the child. */
  void forward(String signal) {
    if (!process.isAlive()) {
      return;
    }
    String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
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
