package io.litestream4j.bench;

import java.nio.file.Path;

/** One database a replicator must replicate, and the directory of its file replica. */
record Target(Path db, Path replica) {
  String replicaUrl() {
    return "file://" + replica.toAbsolutePath();
  }
}
