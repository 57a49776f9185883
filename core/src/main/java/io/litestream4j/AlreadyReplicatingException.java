package io.litestream4j;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Replication cannot start: another replicator, in this process or another, is replicating the same
 * database with the same local state directory. Two of them would write different L0 files under
 * the same names there, and both replicas' histories would break. The message names the holder.
 */
public final class AlreadyReplicatingException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path database;

  AlreadyReplicatingException(Path database, Path metaDir, String holder) {
    super(
        ("%s is already being replicated by %s (it holds the local state directory %s). Run one"
                + " replicator per database: stop the other one, or give each its own database"
                + " copy")
            .formatted(database, holder, metaDir));
    this.database = database;
  }

  /** The database another replicator is replicating. */
  public Path database() {
    return database;
  }
}
