package io.litestream4j.cli;

import io.litestream4j.server.ControlSocketClient;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code -socket}, {@code -json} and {@code -timeout}, shared by the commands that talk to a
 * running replicator. A command whose request is quick passes a shorter default timeout to the
 * constructor; the help shows whichever default the command uses.
 */
final class SocketFlags {
  @Option(
      names = "-socket",
      paramLabel = "PATH",
      description = "Control socket of the running replicator (default: /var/run/litestream.sock).")
  Path socket = Path.of("/var/run/litestream.sock");

  @Option(names = "-json", description = "Print the result as JSON.")
  boolean json;

  @Option(
      names = "-timeout",
      paramLabel = "SECONDS",
      description = "Give up after this many seconds (default ${DEFAULT-VALUE}).")
  int timeout;

  SocketFlags() {
    this(30);
  }

  SocketFlags(int defaultTimeoutSeconds) {
    this.timeout = defaultTimeoutSeconds;
  }

  ControlSocketClient client(int timeoutSeconds) {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException(
          "-timeout must be greater than 0 (got " + timeoutSeconds + ")");
    }
    return new ControlSocketClient(socket, Duration.ofSeconds(timeoutSeconds));
  }

  /** A client that gives up after {@code -timeout}. */
  ControlSocketClient client() {
    return client(timeout);
  }
}
