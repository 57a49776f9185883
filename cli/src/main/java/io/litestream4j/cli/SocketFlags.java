package io.litestream4j.cli;

import io.litestream4j.server.ControlSocketClient;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code -socket} and {@code -json}, shared by the commands that talk to a running replicator. */
final class SocketFlags {
  @Option(names = "-socket", paramLabel = "PATH", description = "Control socket of the running replicator (default: /var/run/litestream.sock).")
  Path socket = Path.of("/var/run/litestream.sock");

  @Option(names = "-json", description = "Print the result as JSON.")
  boolean json;

  ControlSocketClient client(int timeoutSeconds) {
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("-timeout must be greater than 0 (got " + timeoutSeconds + ")");
    }
    return new ControlSocketClient(socket, Duration.ofSeconds(timeoutSeconds));
  }
}
