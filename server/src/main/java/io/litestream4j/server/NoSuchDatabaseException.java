package io.litestream4j.server;

import java.nio.file.Path;

/** A control request named a database the replicator does not manage. */
public final class NoSuchDatabaseException extends IllegalArgumentException {
  private final Path path;

  public NoSuchDatabaseException(Path path) {
    super(
        "database not found: "
            + path
            + " (see `litestream4j list` for the databases this replicator manages)");
    this.path = path;
  }

  public Path path() {
    return path;
  }
}
