package io.litestream4j.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code socket} section: the Unix-socket control API of a running replicator.
 *
 * @param permissions file mode of the socket, e.g. {@code 0600} (octal in YAML)
 */
public record SocketConfig(boolean enabled, Path path, int permissions) {

  public static final SocketConfig DEFAULT =
      new SocketConfig(false, Path.of("/var/run/litestream.sock"), 0600);

  public SocketConfig {
    Objects.requireNonNull(path, "path");
  }
}
