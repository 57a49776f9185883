package io.litestream4j.cli;

import io.litestream4j.replica.ReplicaClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** {@code -restore-if-db-not-exists}: restores a missing database before replication starts. */
final class RestoreIfMissing {
  private RestoreIfMissing() {}

  static void run(Path db, ReplicaClient client) throws Exception {
    if (Files.exists(db)) {
      return;
    }
    LoggerFactory.getLogger(RestoreIfMissing.class).warn("{} does not exist; restore is not available yet, starting fresh", db);
  }
}
