package io.litestream4j.cli;

import io.litestream4j.server.DatabaseRegistry;
import picocli.CommandLine.Parameters;

/**
 * The one {@code DB_PATH} of the commands that address a database of the running replicator,
 * declared once and normalised the way the server's registry keys its databases.
 */
final class DatabaseArgument {
  @Parameters(paramLabel = "DB_PATH", arity = "1")
  String path;

  /** The path as the control socket expects it (absolute, normalised). */
  String normalized() {
    return DatabaseRegistry.normalize(path).toString();
  }
}
