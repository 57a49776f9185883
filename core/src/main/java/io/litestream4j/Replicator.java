package io.litestream4j;

import io.litestream4j.db.ChangeNotifier;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Several databases replicated by one process (the {@code replicate} command with a config file,
 * directory replication). Threads do not grow with the number of databases: each database's loops
 * run on virtual threads, they share one file-change watcher thread, and the work itself is bounded
 * by shared permits (see {@link SharedResources}), so a thousand databases starting or waking on
 * the same compaction boundary queue instead of all working at once.
 *
 * <p>Databases can be added and removed while running ({@link #remove} makes the final sync and
 * upload of that one database). {@link #shutdown()} shuts every database down in parallel, so the
 * final syncs of many databases together take as long as the slowest one, bounded by {@code
 * shutdown-sync-timeout}. Thread-safe.
 */
public final class Replicator implements AutoCloseable {
  private final SharedResources shared;

  /** By absolute database path, sorted. */
  private final Map<Path, Replication> replications = new ConcurrentSkipListMap<>();

  private volatile boolean shutDown;

  private Replicator(SharedResources shared) {
    this.shared = shared;
  }

  public static Replicator create() throws IOException {
    return new Replicator(SharedResources.many(new ChangeNotifier()));
  }

  /**
   * Starts replicating one more database to {@code client} (which is then owned by the
   * replication).
   *
   * @throws IllegalStateException when the database is already replicated here, or after shutdown
   */
  public Replication add(ReplicationOptions options, ReplicaClient client) throws IOException {
    Path key = options.database().toAbsolutePath().normalize();
    if (shutDown) {
      client.close();
      throw new IllegalStateException("replicator is shut down; cannot add " + key);
    }
    if (replications.containsKey(key)) {
      client.close();
      throw new IllegalStateException(key + " is already being replicated by this process");
    }
    Replication r = Replication.start(options, client, shared, false);
    if (replications.putIfAbsent(key, r) != null) {
      r.shutdown();
      throw new IllegalStateException(key + " is already being replicated by this process");
    }
    return r;
  }

  /** The replication of {@code database}, if it is replicated here. */
  public Optional<Replication> get(Path database) {
    return Optional.ofNullable(replications.get(database.toAbsolutePath().normalize()));
  }

  /**
   * Stops replicating {@code database}: final sync, uploads retried for its {@code
   * shutdown-sync-timeout}, then its files and connections are closed.
   *
   * @return false when it was not replicated here or its replica is missing some of it
   */
  public boolean remove(Path database) {
    Replication r = replications.remove(database.toAbsolutePath().normalize());
    return r != null && r.shutdown();
  }

  /**
   * Stops replicating one database (final sync and upload, as in {@link #shutdown()}) and forgets
   * it; used by the control socket's {@code stop} and {@code unregister}.
   *
   * @return true when its replica holds everything that was committed
   */
  public boolean remove(Replication replication) {
    if (!replications.remove(
        replication.options().database().toAbsolutePath().normalize(), replication)) {
      throw new IllegalArgumentException(
          "not replicated by this replicator: " + replication.options().database());
    }
    return replication.shutdown();
  }

  public List<Replication> replications() {
    return List.copyOf(replications.values());
  }

  public int size() {
    return replications.size();
  }

  /** Stops waiting for final uploads in every database (a second interrupt signal). */
  public void abandonShutdownSync() {
    replications.values().forEach(Replication::abandonShutdownSync);
  }

  /**
   * Final sync and upload of every database, in parallel (one virtual thread each); always returns.
   *
   * @return true when every replica holds everything that was committed
   */
  public boolean shutdown() {
    shutDown = true;
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (Path db : List.copyOf(replications.keySet())) {
      Replication r = replications.remove(db);
      if (r == null) {
        continue;
      }
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      Thread.ofVirtual()
          .name("l4j-shutdown-" + db.getFileName())
          .start(
              () -> {
                try {
                  f.complete(r.shutdown());
                } catch (RuntimeException e) {
                  f.complete(false);
                }
              });
      all.add(f);
    }
    boolean ok = all.stream().map(CompletableFuture::join).reduce(true, Boolean::logicalAnd);
    try {
      shared.notifier().close();
    } catch (IOException ignored) {
      // nothing left to release
    }
    return ok;
  }

  @Override
  public void close() {
    shutdown();
  }
}
