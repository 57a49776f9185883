package io.litestream4j;

import io.litestream4j.db.ChangeNotifier;
import io.litestream4j.db.Database;
import io.litestream4j.db.DatabaseMonitor;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.db.SyncException;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.Replica;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClients;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.store.ReplicaUpkeep;
import io.litestream4j.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication of one SQLite database, running in-process: the embedding API.
 *
 * <pre>{@code
 * try (Replication r = Replication.start(ReplicationOptions.of(Path.of("app.db"), "file:///backups/app"))) {
 *   // ... the application writes to app.db with any SQLite driver ...
 *   long txid = r.sync();                           // everything committed so far, as a TXID
 *   r.awaitReplicated(txid, Duration.ofSeconds(10)); // durable on the replica
 * }
 * }</pre>
 *
 * <p>Replication runs on three named virtual threads per database ({@code l4j-sync-*} follows the
 * WAL, {@code l4j-upload-*} ships files, {@code l4j-store-*} compacts, snapshots and applies
 * retention); they cost no platform thread while they wait. On a replica that supports it (file,
 * S3) the replication holds the replica's lease; if another replicator takes it over, replication
 * stops and every {@link #onFailure} listener is told. {@link #close()} makes the same promise as
 * the CLI's shutdown: a final sync, then uploads retried for {@code shutdownSyncTimeout}; it always
 * returns.
 *
 * <p>From {@link #start} until {@link #close()} this process holds SQLite's read lock on the
 * database. The application must never open and close a descriptor of the database, {@code -wal} or
 * {@code -shm} file itself (that releases every SQLite lock of the process) and must use the same
 * SQLite library as the replicator; see {@link Database} for the rule and why.
 *
 * <h2>Embedding contract</h2>
 *
 * <ul>
 *   <li><b>The application's own connections.</b> Open, use and close SQLite connections to the
 *       same database freely, with any driver, in this JVM or in other processes; run your own
 *       PASSIVE or FULL checkpoints, VACUUM, schema changes. Not RESTART or TRUNCATE: replication
 *       always holds a read transaction (it keeps the WAL from being reset under frames it has not
 *       read), so those wait for the busy timeout with SQLite's write lock held, blocking your
 *       writers, and then return busy. Replication never closes a descriptor of the database, its
 *       WAL or its {@code -shm} while it runs, so it cannot drop the POSIX locks SQLite's
 *       connections in this process hold. Keep the database in WAL mode ({@code PRAGMA
 *       journal_mode=wal}) and do not switch it back while replication runs.
 *   <li><b>Driver.</b> Tested with org.xerial sqlite-jdbc 3.54.x (SQLite 3.54); any SQLite of
 *       3.51.3 or newer writes WAL files replication understands.
 *   <li><b>A consistent backup point.</b> {@link #sync()} returns the TXID covering every commit so
 *       far; {@link #awaitReplicated} returns once the replica holds it. Together ({@link
 *       #syncAndAwait}) they are the point a restore with {@code RestoreTarget.txid(txid)}
 *       reproduces exactly.
 *   <li><b>Durability.</b> By default commits return at SQLite's speed and reach the replica
 *       asynchronously: the recovery point objective (RPO) is the replication lag, at most {@code
 *       syncInterval} plus one upload (about a second with the defaults). Wrapping the data source
 *       with {@link DurableDataSource} makes each commit wait for the replica: RPO zero, at the
 *       cost of one sync and one replica round trip per commit.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class Replication implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
  private static final Duration FIRST_UPLOAD_WAIT = Duration.ofSeconds(10);
  private final ReplicationOptions options;
  private final Database database;
  private final DatabaseMonitor monitor;
  private final Replica replica;
  private final ChangeNotifier notifier;
  private final boolean ownsNotifier;
  private final io.litestream4j.internal.WorkPermits syncPermits;
  private final Runnable onChange;
  private final Store store;
  private ReplicaLease lease = ReplicaLease.none();
  private final StateDirLock stateLock;
  private volatile @Nullable Throwable failure;

  /** Guarded by itself; once {@link #failureReported}, listeners are called at registration. */
  private final java.util.List<java.util.function.Consumer<Throwable>> failureListeners =
      new java.util.ArrayList<>();

  private boolean failureReported;
  private volatile boolean closed;

  /** Serialises {@link #shutdown}: a second call waits for the first and returns its result. */
  private final Object shutdownLock = new Object();

  private boolean shutdownComplete; // guarded by shutdownLock, set once closed

  private Replication(
      ReplicationOptions options,
      ReplicaClient client,
      SharedResources shared,
      boolean ownsNotifier,
      LocalLtxDir local,
      StateDirLock stateLock) {
    this.options = options;
    this.stateLock = stateLock;
    this.notifier = shared.notifier();
    this.syncPermits = shared.syncs();
    this.ownsNotifier = ownsNotifier;
    Path db = options.database().toAbsolutePath();
    this.replica =
        new Replica(client, options.syncInterval(), db.getFileName().toString(), shared.syncs());
    this.database =
        new Database(db, options.db(), local, replica, replica::onSynced, Clock.systemUTC());
    // Changes are shipped at most once per sync interval: the monitor batches syncs to that
    // cadence and the uploader ships each file as soon as it is written.
    Duration gap = options.syncInterval();
    this.monitor = new DatabaseMonitor(database, gap, shared.syncs(), shared.poller());
    this.onChange = monitor::signal;
    this.store = Store.open(database, client, options.store(), Clock.systemUTC(), shared.stores());
    replica.onBaseChange(store::requestSnapshot);
    replica.onLocalFileLost(database::reset);
  }

  /**
   * Starts replicating with a replica client made from {@link ReplicationOptions#replicaUrl()}.
   *
   * @throws io.litestream4j.replica.LeaseHeldException when another live replicator holds the
   *     replica's lease
   * @throws AlreadyReplicatingException when another replicator, in this process or another, is
   *     replicating the same database
   * @throws IllegalArgumentException when the database path is a directory or a file that is not a
   *     SQLite database
   */
  public static Replication start(ReplicationOptions options) throws IOException {
    return start(options, ReplicaClients.discover().create(options.replicaUrl()));
  }

  /** Starts replicating to the given client (which this replication then owns and closes). */
  public static Replication start(ReplicationOptions options, ReplicaClient client)
      throws IOException {
    ChangeNotifier n = new ChangeNotifier();
    try {
      return start(options, client, SharedResources.alone(n), true);
    } catch (IOException | RuntimeException e) {
      n.close();
      throw e;
    }
  }

  static Replication start(
      ReplicationOptions options, ReplicaClient given, SharedResources shared, boolean ownsNotifier)
      throws IOException {
    ReplicaClient client =
        given instanceof FileReplicaClient f
            ? f.withModeOf(options.database().toAbsolutePath())
            : given;
    Path db = options.database().toAbsolutePath();
    Path meta = options.metaDir() != null ? options.metaDir() : LocalLtxDir.defaultMetaDir(db);
    LocalLtxDir local = new LocalLtxDir(meta, java.util.Optional.of(db));
    StateDirLock stateLock;
    try {
      requireDatabaseFile(db);
      stateLock = StateDirLock.acquire(local, db);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
    Replication r;
    try {
      r = new Replication(options, client, shared, ownsNotifier, local, stateLock);
    } catch (RuntimeException e) {
      stateLock.close();
      client.close();
      throw e;
    }
    try {
      r.lockDatabase();
      client.init();
      r.lease = ReplicaLease.acquire(client, r::leaseLost);
    } catch (IOException | RuntimeException e) {
      r.database.close();
      stateLock.close();
      client.close();
      throw e;
    }
    r.begin();
    return r;
  }

  /**
   * Refuses at once a database path that is a directory: no retry can fix it. (The file is not read
   * here: closing a descriptor of it would release the POSIX locks the application's own
   * connections in this process hold. A file that is not a SQLite database is refused by {@link
   * #lockDatabase}, through the replicator's own connection.)
   *
   * @throws IllegalArgumentException naming the path
   */
  private static void requireDatabaseFile(Path db) {
    if (Files.isDirectory(db)) {
      throw new IllegalArgumentException(
          db + " is a directory, not a SQLite database file: check the database path");
    }
  }

  /**
   * Takes SQLite's read lock on the database before anything slow (replica client, lease), so an
   * application closing its last connection meanwhile cannot delete the WAL. A failure here is left
   * to the first sync, which retries.
   */
  private void lockDatabase() {
    try {
      database.open();
    } catch (IOException e) {
      if (notADatabase(e)) {
        throw new IllegalArgumentException(
            database.path()
                + " is not a SQLite database (SQLite says: "
                + e.getMessage()
                + "): check the database path",
            e);
      }
      LOG.atWarn()
          .addKeyValue("db", database.path())
          .log("cannot open the database yet, will retry: {}", e.getMessage());
    }
  }

  /** SQLite's SQLITE_NOTADB (26): the file exists and is not a database; retrying cannot help. */
  private static boolean notADatabase(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException s && (s.getErrorCode() & 0xff) == 26) {
        return true;
      }
    }
    return false;
  }

  private void begin() throws IOException {
    // The monitor syncs at most once per sync interval: more notifications than that only cost CPU.
    notifier.watch(database.walPath(), options.syncInterval(), onChange);
    notifier.watch(database.path(), options.syncInterval(), onChange);
    replica.start(database.l0Files());
    try (var permit = syncPermits.acquire()) {
      database.sync();
    } catch (SyncException e) {
      // The monitor retries with backoff; a database that does not exist yet is not an error.
      LOG.atWarn()
          .addKeyValue("db", database.path())
          .log("first sync failed, will retry: {}", e.getMessage());
    }
    monitor.start();
    if (options.store().background()) {
      startStoreAfterFirstUpload();
    } else {
      store.start();
    }
  }

  /**
   * Starts the store's schedule once the replica holds the database's initial state (or after
   * {@link #FIRST_UPLOAD_WAIT}): the store's first round compacts every level and snapshots at
   * once, and a round that ran before the initial L0 file was uploaded would find nothing and leave
   * each level's first compaction to its next wall-clock boundary — uploads of an idle database up
   * to an hour after start.
   */
  private void startStoreAfterFirstUpload() {
    long initial = database.position().txid();
    Thread.ofVirtual()
        .name("l4j-store-start-" + database.path().getFileName())
        .start(
            () -> {
              try {
                if (initial > 0) {
                  replica.awaitReplicated(initial, FIRST_UPLOAD_WAIT);
                }
              } catch (TimeoutException | InterruptedException e) {
                // the replica is slow or down: schedule anyway, the store retries at its next turns
              }
              try {
                store.start();
              } catch (IllegalStateException e) {
                // closed meanwhile
              }
            });
  }

  public ReplicationOptions options() {
    return options;
  }

  /** The database's local position: newest TXID written to the local state directory. */
  public LocalPosition position() {
    return LocalPosition.of(database.position());
  }

  /** The newest TXID the replica has acknowledged. */
  public long replicatedTxid() {
    return replica.replicatedTxid();
  }

  /**
   * Another replicator took over the replica (the lease was lost): replication stops at once,
   * without a final upload, and the failure is reported to {@link #onFailure} listeners.
   */
  private void leaseLost(LeaseLostException e) {
    LOG.atError().addKeyValue("db", database.path()).log("replication stopped: {}", e.getMessage());
    failure = e;
    Thread.ofPlatform()
        .name("l4j-lease-lost")
        .start(
            () -> {
              store.close();
              monitor.close();
              replica.abandonShutdownSync();
              replica.shutdown(Duration.ZERO, Duration.ofMillis(1));
              java.util.List<java.util.function.Consumer<Throwable>> listeners;
              synchronized (failureListeners) {
                failureReported = true;
                listeners = java.util.List.copyOf(failureListeners);
              }
              listeners.forEach(l -> l.accept(e));
            });
  }

  /**
   * Adds a listener called exactly once if replication stops by itself (e.g. the lease was lost):
   * on a background thread, or at once on the caller's thread when that already happened.
   */
  public void onFailure(java.util.function.Consumer<Throwable> listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    synchronized (failureListeners) {
      if (!failureReported) {
        failureListeners.add(listener);
        return;
      }
    }
    listener.accept(failure);
  }

  /** Why replication stopped by itself, if it did. */
  public java.util.Optional<Throwable> failure() {
    return java.util.Optional.ofNullable(failure);
  }

  /**
   * When the oldest commit that is not yet on the replica was synced locally; empty when the
   * replica holds everything synced so far. {@code now - this} is the replication lag.
   */
  public java.util.Optional<java.time.Instant> oldestUnreplicatedSince() {
    var t = replica.oldestPendingMillis();
    return t.isPresent()
        ? java.util.Optional.of(java.time.Instant.ofEpochMilli(t.getAsLong()))
        : java.util.Optional.empty();
  }

  /** When the replica last acknowledged an uploaded file; empty before the first upload. */
  public java.util.Optional<java.time.Instant> lastUploadTime() {
    var t = replica.lastUploadMillis();
    return t.isPresent()
        ? java.util.Optional.of(java.time.Instant.ofEpochMilli(t.getAsLong()))
        : java.util.Optional.empty();
  }

  /** True until {@link #shutdown()} or a failure stopped replication. */
  public boolean running() {
    return !closed && failure == null;
  }

  /** The last upload failure, while uploads keep failing; empty once they succeed again. */
  public java.util.Optional<IOException> replicaError() {
    return replica.lastError();
  }

  /** The counters of this database's syncs, as they are now. */
  public SyncStatistics stats() {
    return SyncStatistics.of(database.stats());
  }

  /** Compaction, snapshots, retention and validation of this database's replica. */
  public ReplicaUpkeep store() {
    return store;
  }

  /**
   * Copies everything committed so far from the WAL into local L0 files, now.
   *
   * @return the TXID that covers every transaction committed before this call
   * @throws IllegalStateException after {@link #shutdown()}
   */
  public long sync() throws IOException {
    requireOpen("sync");
    return database.sync().txid();
  }

  /**
   * Waits until the replica holds {@code txid}.
   *
   * @throws IllegalStateException when replication was shut down before the replica held it
   */
  public void awaitReplicated(long txid, Duration timeout)
      throws InterruptedException, TimeoutException {
    if (closed && replica.replicatedTxid() < txid) {
      throw new IllegalStateException(
          "replication of %s is shut down: TXID %s is not on the replica (it holds %s) and no longer will be"
              .formatted(
                  database.path(),
                  io.litestream4j.ltx.Txid.format(txid),
                  io.litestream4j.ltx.Txid.format(Math.max(0, replica.replicatedTxid()))));
    }
    replica.awaitReplicated(txid, timeout);
  }

  private void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException(
          "cannot " + action + ": replication of " + database.path() + " is shut down");
    }
  }

  /**
   * {@link #sync()} then {@link #awaitReplicated}: returns once every commit so far is on the
   * replica.
   */
  public long syncAndAwait(Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    long txid = sync();
    awaitReplicated(txid, timeout);
    return txid;
  }

  /**
   * Ends a {@link #close()} that is waiting for uploads (e.g. on a second interrupt signal):
   * uploads and store jobs in flight are cancelled at once.
   */
  public void abandonShutdownSync() {
    store.cancelInFlight();
    replica.abandonShutdownSync();
  }

  /**
   * Stops starting background work (syncs, compactions, snapshots) without waiting: the first step
   * when many databases shut down together, so the ones whose turn comes later do not keep working
   * meanwhile. {@link #shutdown()} still makes the final sync.
   */
  void requestStop() {
    store.requestStop();
    monitor.requestStop();
  }

  /**
   * Final sync, then uploads retried for up to {@code shutdownSyncTimeout}; then releases
   * everything.
   *
   * @return true when the replica holds everything that was committed; a later call returns the
   *     first call's result (waiting for it while it runs)
   */
  public boolean shutdown() {
    return shutdown(options.shutdownSyncTimeout());
  }

  /**
   * As {@link #shutdown()}, with uploads retried for up to {@code uploadTimeout} (the part of
   * {@code shutdownSyncTimeout} left when many databases shut down together and this one's turn
   * came late).
   */
  boolean shutdown(Duration uploadTimeout) {
    synchronized (shutdownLock) {
      if (!closed) {
        closed = true;
        shutdownComplete = stopAndRelease(uploadTimeout);
      }
      return shutdownComplete;
    }
  }

  private boolean stopAndRelease(Duration uploadTimeout) {
    store.close();
    notifier.unwatch(database.walPath(), onChange);
    notifier.unwatch(database.path(), onChange);
    monitor.close();
    try {
      database.sync();
    } catch (SyncException e) {
      LOG.atWarn().addKeyValue("db", database.path()).log("final sync failed: {}", e.getMessage());
    }
    boolean complete =
        failure == null && replica.shutdown(uploadTimeout, options.shutdownSyncInterval());
    database.close();
    try {
      lease.close();
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("db", database.path())
          .log("releasing the lease failed: {}", e.getMessage());
    }
    try {
      stateLock.close();
    } catch (IOException e) {
      LOG.atWarn()
          .addKeyValue("db", database.path())
          .log("releasing the local state lock failed: {}", e.getMessage());
    }
    try {
      replica.client().close();
    } catch (IOException e) {
      LOG.debug("closing replica client", e);
    }
    if (ownsNotifier) {
      try {
        notifier.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
    return complete;
  }

  @Override
  public void close() {
    shutdown();
  }
}
