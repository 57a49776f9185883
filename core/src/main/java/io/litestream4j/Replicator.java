package io.litestream4j;

import io.litestream4j.db.ChangeNotifier;
import io.litestream4j.db.IdlePoller;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  /**
   * Databases shut down at the same time: enough to overlap their fsyncs and replica round trips,
   * few enough that they do not all compete for the CPU.
   */
  private static final int SHUTDOWN_THREADS =
      Math.clamp(4L * Runtime.getRuntime().availableProcessors(), 8, 32);

  /** How long after the longest shutdown-sync-timeout a database's close is still waited for. */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

  private final SharedResources shared;

  /** By absolute database path, sorted. */
  private final Map<Path, Replication> replications = new ConcurrentSkipListMap<>();

  /**
   * Databases whose shutdown has begun, so that a second signal can still cut their uploads short.
   */
  private final List<Replication> shuttingDown = new CopyOnWriteArrayList<>();

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
    shuttingDown.forEach(Replication::abandonShutdownSync);
  }

  /**
   * Final sync and upload of every database, in parallel on a small pool of platform threads
   * (SQLite calls pin a virtual thread's carrier, so a thousand virtual threads would make the
   * final syncs and closes queue behind two carriers); always returns. Every database's uploads are
   * retried until its {@code shutdown-sync-timeout} after the start of this call, not after its
   * turn, so the whole shutdown is bounded by that timeout plus the local work; a database that has
   * not finished its close {@link #CLOSE_GRACE} after the longest timeout is reported as incomplete
   * and left to the pool's daemon threads, so it never keeps the process from exiting.
   *
   * @return true when every replica holds everything that was committed
   */
  public boolean shutdown() {
    shutDown = true;
    List<Replication> all = new ArrayList<>();
    for (Path db : List.copyOf(replications.keySet())) {
      Replication r = replications.remove(db);
      if (r != null) {
        all.add(r);
      }
    }
    shuttingDown.addAll(all);
    all.forEach(Replication::requestStop);
    long start = System.nanoTime();
    boolean ok = all.isEmpty() || shutdownAll(all, start);
    shuttingDown.removeAll(all);
    try {
      shared.notifier().close();
    } catch (IOException ignored) {
      // nothing left to release
    }
    IdlePoller poller = shared.poller();
    if (poller != null) {
      poller.close();
    }
    return ok;
  }

  private static boolean shutdownAll(List<Replication> all, long start) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(all.size(), SHUTDOWN_THREADS),
            Thread.ofPlatform().name("l4j-shutdown-", 1).daemon(true).factory());
    try {
      List<Future<Boolean>> futures = new ArrayList<>(all.size());
      long longest = 0;
      for (Replication r : all) {
        long timeout = r.options().shutdownSyncTimeout().toNanos();
        longest = Math.max(longest, timeout);
        futures.add(
            pool.submit(
                () -> {
                  Duration left =
                      Duration.ofNanos(Math.max(0, start + timeout - System.nanoTime()));
                  try {
                    return r.shutdown(left);
                  } catch (RuntimeException e) {
                    LOG.atWarn()
                        .addKeyValue("db", r.options().database())
                        .log("shutdown failed: {}", e.toString());
                    return false;
                  }
                }));
      }
      long deadline = start + longest + CLOSE_GRACE.toNanos();
      boolean ok = true;
      int unfinished = 0;
      for (Future<Boolean> f : futures) {
        try {
          ok &= f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          ok = false;
          unfinished++;
        } catch (ExecutionException e) {
          ok = false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      if (unfinished > 0) {
        LOG.warn(
            "{} database(s) did not finish their final sync and close within the shutdown-sync-timeout"
                + " plus {} s; exiting without them",
            unfinished,
            CLOSE_GRACE.toSeconds());
      }
      return ok;
    } finally {
      pool.shutdown();
    }
  }

  @Override
  public void close() {
    shutdown();
  }
}
