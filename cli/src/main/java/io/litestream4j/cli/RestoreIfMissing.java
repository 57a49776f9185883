package io.litestream4j.cli;

import io.litestream4j.RestoreResult;
import io.litestream4j.Restorer;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.ReplicaClient;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code -restore-if-db-not-exists}: restores a missing database before replication starts ({@link
 * Restorer#restoreIfMissing}); a replica without backups means starting fresh.
 */
final class RestoreIfMissing {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreIfMissing.class);

  private RestoreIfMissing() {}

  static void run(Path db, ReplicaClient client) throws Exception {
    Optional<RestoreResult> restored = Restorer.restoreIfMissing(db, client);
    if (restored.isPresent()) {
      LOG.info(
          "{} did not exist; restored it to TXID {} from the replica",
          db,
          Txid.format(restored.get().txid()));
    }
  }
}
