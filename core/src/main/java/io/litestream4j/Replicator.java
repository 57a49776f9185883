package io.litestream4j;

import io.litestream4j.db.ChangeNotifier;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Several databases replicated by one process (the {@code replicate} command with a config file).
 * They share one file-change watcher thread. {@link #shutdown()} shuts every database down in
 * parallel, so the final syncs of many databases together take as long as the slowest one.
 */
public final class Replicator implements AutoCloseable {
  private final ChangeNotifier notifier;
  private final List<Replication> replications = new CopyOnWriteArrayList<>();

  private Replicator(ChangeNotifier notifier) {
    this.notifier = notifier;
  }

  public static Replicator create() throws IOException {
    return new Replicator(new ChangeNotifier());
  }

  /** Starts replicating one more database to {@code client} (which is then owned by the replication). */
  public Replication add(ReplicationOptions options, ReplicaClient client) throws IOException {
    Replication r = Replication.start(options, client, notifier, false);
    replications.add(r);
    return r;
  }

  /**
   * Stops replicating one database (final sync and upload, as in {@link #shutdown()}) and forgets
   * it; used by the control socket's {@code stop} and {@code unregister}.
   *
   * @return true when its replica holds everything that was committed
   */
  public boolean remove(Replication replication) {
    if (!replications.remove(replication)) {
      throw new IllegalArgumentException("not replicated by this replicator: " + replication.options().database());
    }
    return replication.shutdown();
  }

  public List<Replication> replications() {
    return List.copyOf(replications);
  }

  /** Stops waiting for final uploads in every database (a second interrupt signal). */
  public void abandonShutdownSync() {
    replications.forEach(Replication::abandonShutdownSync);
  }

  /**
   * Final sync and upload of every database, in parallel; always returns.
   *
   * @return true when every replica holds everything that was committed
   */
  public boolean shutdown() {
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (Replication r : replications) {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      Thread.ofPlatform().name("l4j-shutdown-" + r.options().database().getFileName()).start(() -> {
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
      notifier.close();
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
