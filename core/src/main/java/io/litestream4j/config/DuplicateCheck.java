package io.litestream4j.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses configurations in which two entries would write the same place: the same database listed
 * twice (they would share one state directory and interleave their files on one replica) or two
 * databases with the same replica (one overwrites the other's files). Both corrupt the replica
 * silently, so they are errors at start-up, naming both entries.
 */
final class DuplicateCheck {
  private DuplicateCheck() {}

  static void check(List<DbConfig> dbs) {
    Map<Path, Integer> paths = new HashMap<>();
    Map<String, Integer> replicas = new HashMap<>();
    for (int i = 0; i < dbs.size(); i++) {
      DbConfig db = dbs.get(i);
      Path id = db.identifier().toAbsolutePath().normalize();
      Integer earlier = paths.putIfAbsent(id, i);
      if (earlier != null) {
        throw new ConfigException(
            "dbs[" + i + "].path",
            "database "
                + id
                + " is already listed as dbs["
                + earlier
                + "]; a database can be replicated by one entry only (remove one of them)");
      }
      Optional<String> key = replicaKey(db.replica());
      if (key.isPresent()) {
        earlier = replicas.putIfAbsent(key.get(), i);
        if (earlier != null) {
          throw new ConfigException(
              "dbs[" + i + "].replica",
              "replica "
                  + db.replica().describe()
                  + " is already the replica of dbs["
                  + earlier
                  + "] ("
                  + dbs.get(earlier).identifier()
                  + "); two databases on one replica overwrite each other's files: give each its own path");
        }
      }
    }
  }

  /**
   * Where a replica's files go, comparable across spellings (URL or type + path); empty if unknown.
   */
  static Optional<String> replicaKey(ReplicaConfig r) {
    String type = r.type().toLowerCase(Locale.ROOT);
    if (r.url().isPresent()) {
      ReplicaUrl u = r.url().get();
      String host = u.host() == null ? "" : u.host().toLowerCase(Locale.ROOT);
      return Optional.of(type + "://" + host + "/" + normalize(u.path()));
    }
    if (r.path().isEmpty()) {
      return Optional.empty();
    }
    String bucket = r.options().string("bucket").orElse("").toLowerCase(Locale.ROOT);
    return Optional.of(type + "://" + bucket + "/" + normalize(r.path().get()));
  }

  private static String normalize(String path) {
    if (path == null) {
      return "";
    }
    String p = path.replaceAll("/+", "/");
    p = p.startsWith("/") ? p.substring(1) : p;
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
