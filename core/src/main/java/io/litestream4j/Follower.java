package io.litestream4j;

import io.litestream4j.follow.FollowerDatabase;
import io.litestream4j.follow.NextFiles;
import io.litestream4j.internal.FileTrees;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ResumableInputStream;
import io.litestream4j.restore.RestoreJob;
import io.litestream4j.restore.v3.V3Catalog;
import io.litestream4j.restore.v3.V3ReplicaClient;
import io.litestream4j.sqlite.DatabaseImage;
import io.litestream4j.tools.DatabaseSnapshots;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A continuously updated, read-only copy of a replicated database: restores the latest state, then
 * applies every new transaction from the replica until closed — Litestream's {@code restore -f},
 * and the embedding API for an in-process read replica.
 *
 * <pre>{@code
 * try (Follower f = Follower.start(client, "s3://bucket/app", FollowOptions.of(Path.of("replica.db"))
 *     .withInterval(Duration.ofMillis(100)).withListener(e -> LOG.info("at {}", e.txid())))) {
 *   // any process may open replica.db read-only (plain SQLite) meanwhile
 * }
 * }</pre>
 *
 * <p>Guarantees: a reader never sees a partly applied transaction (each TXID is applied as one
 * SQLite transaction with SQLite's own locks and rollback journal, see {@link FollowerDatabase});
 * every file is verified before it touches the database, and its checksums must continue the
 * database (a checksum break or an unbridgeable gap stops the follower with a {@link
 * FollowException}, never wrong data). The position survives crashes ({@code kill -9}) and
 * restarts: a follower started on its own output resumes where it was, downloading only what is
 * newer. Files removed by the source's compaction and retention are replaced by the compacted file
 * covering them, or a snapshot. Readers should open the database read-only and set a busy timeout:
 * an apply holds SQLite's exclusive lock for the few milliseconds it writes.
 *
 * <p>One thread per follower, named {@code litestream4j-follow-<file>}; {@link #close()} waits for
 * an apply in progress and always finishes. Replica errors (network, throttling) are retried at the
 * poll interval.
 */
public final class Follower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Follower.class);

  /** How often the higher levels are checked when level 0 has nothing new. */
  private static final Duration DEEP_CHECK_INTERVAL = Duration.ofSeconds(5);

  private final ReplicaClient client;
  private final String replica;
  private final FollowOptions options;
  private final FollowerDatabase db;
  private final Path staging;
  private final NextFiles next;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private volatile boolean stopping;
  private volatile @Nullable IOException failure;
  private volatile long txid;
  private long lastDeepCheck;
  private boolean warned;

  private Follower(
      ReplicaClient client,
      String replica,
      FollowOptions options,
      FollowerDatabase db,
      Path staging) {
    this.client = client;
    this.replica = replica;
    this.options = options;
    this.db = db;
    this.staging = staging;
    this.next = new NextFiles(client);
    this.txid = db.txid();
    this.thread =
        Thread.ofPlatform()
            .name("litestream4j-follow-" + options.output().getFileName())
            .unstarted(this::loop);
  }

  /**
   * Restores {@code options.output()} from {@code client} (or resumes it, if it is a follower's
   * database from an earlier run) and starts following. Returns once the database is in place.
   *
   * @param replica names the replica in messages (e.g. its URL)
   * @throws RestoreException if the initial restore fails
   * @throws IOException if the output exists and is not a follower's database (without {@code
   *     force}), or is at neither position its sidecar names
   */
  public static Follower start(ReplicaClient client, String replica, FollowOptions options)
      throws IOException {
    Objects.requireNonNull(client, "client");
    Path out = options.output().toAbsolutePath();
    Path staging = out.resolveSibling("." + out.getFileName() + "-follow");
    boolean resume =
        Files.exists(out)
            && Files.size(out) > 0
            && (!options.force() || Files.exists(sidecar(out)));
    if (!resume) {
      for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
        Path side = out.resolveSibling(out.getFileName() + suffix);
        if (Files.exists(side) && !options.force()) {
          throw new RestoreException(
              RestoreException.Reason.OUTPUT_EXISTS,
              side + " exists: a database was" + " there before; remove it or pass -force");
        }
      }
      if (Files.exists(out) && Files.size(out) > 0 && !options.force()) {
        throw new RestoreException(
            RestoreException.Reason.OUTPUT_EXISTS, out + " exists; pass -force to replace it");
      }
      for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
        Files.deleteIfExists(out.resolveSibling(out.getFileName() + suffix));
      }
    }
    Files.createDirectories(staging);
    FollowerDatabase db;
    try {
      clearStaging(staging);
      db = restoreOrResume(client, replica, options, out, staging, resume);
    } catch (IOException | RuntimeException e) {
      // Nothing follows: the staging directory would only be litter beside the output.
      try {
        FileTrees.delete(staging);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    Follower f = new Follower(client, replica, options, db, staging);
    f.thread.start();
    return f;
  }

  /** The follower's database: restored into {@code staging} and installed, or the one found. */
  private static FollowerDatabase restoreOrResume(
      ReplicaClient client,
      String replica,
      FollowOptions options,
      Path out,
      Path staging,
      boolean resume)
      throws IOException {
    if (resume) {
      FollowerDatabase db = FollowerDatabase.open(out, options.busyTimeout());
      LOG.atInfo()
          .addKeyValue("db", out)
          .addKeyValue("replica", replica)
          .addKeyValue("txid", Txid.format(db.txid()))
          .log("follower resuming");
      return db;
    }
    Path restored = staging.resolve("restore.db");
    RestoreResult r;
    try {
      r = restoreLatest(client, replica, restored, options);
    } catch (RestoreException e) {
      if (e.reason() == RestoreException.Reason.NO_BACKUPS
          && client instanceof V3ReplicaClient v3
          && !V3Catalog.load(v3).isEmpty()) {
        throw new RestoreException(
            RestoreException.Reason.TARGET_NOT_AVAILABLE,
            replica
                + " holds only Litestream"
                + " v0.3 backups (generations/); follow mode applies LTX files: restore without -f, or replicate"
                + " with litestream4j first",
            e);
      }
      throw e;
    }
    FollowerDatabase.install(restored, out, r.txid());
    LOG.atInfo()
        .addKeyValue("db", out)
        .addKeyValue("replica", replica)
        .addKeyValue("txid", Txid.format(r.txid()))
        .log("follower restored");
    return FollowerDatabase.open(out, options.busyTimeout());
  }

  /** Restores the replica's latest state into {@code restored}, replacing what is there. */
  private static RestoreResult restoreLatest(
      ReplicaClient client, String replica, Path restored, FollowOptions options)
      throws IOException {
    return RestoreJob.runLtx(
        client,
        replica,
        RestoreOptions.of(restored).withForce(true).withRetryPolicy(options.retryPolicy()));
  }

  private static Path sidecar(Path db) {
    return db.resolveSibling(db.getFileName() + "-txid");
  }

  /** The TXID the follower's database is at. */
  public long txid() {
    return txid;
  }

  /** Why the follower stopped, if it stopped because of an error. */
  public Optional<IOException> failure() {
    return Optional.ofNullable(failure);
  }

  /** True while the follower thread runs. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /**
   * Waits until the database is at {@code target} or later.
   *
   * @return false on timeout
   * @throws IOException if the follower stopped because of an error
   */
  public boolean awaitTxid(long target, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (txid < target) {
        if (failure != null) {
          throw failure;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !thread.isAlive() && txid < target) {
          return txid >= target;
        }
        changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Blocks until the follower stops: after {@link #close()} (returns) or an error (throws it). */
  public void awaitTermination() throws IOException, InterruptedException {
    thread.join();
    if (failure != null) {
      throw failure;
    }
  }

  private void loop() {
    try {
      while (!stopping) {
        boolean progressed;
        try {
          progressed = poll();
          warned = false;
        } catch (FollowException e) {
          fail(e);
          return;
        } catch (IOException e) {
          if (!warned) {
            logged(LOG.atWarn())
                .log("following failed: {}; retrying every {}", e.getMessage(), options.interval());
            warned = true;
          }
          progressed = false;
        }
        if (!progressed) {
          sleep(options.interval());
        }
      }
    } catch (RuntimeException | Error e) {
      fail(new IOException("follower of " + replica + " failed: " + e, e));
    } finally {
      clearStagingQuietly();
    }
  }

  private void fail(IOException e) {
    logged(LOG.atError()).log("follower stopped: {}", e.getMessage());
    failure = e;
    signal();
    try {
      options.listener().failed(e);
    } catch (RuntimeException ex) {
      logged(LOG.atWarn()).setCause(ex).log("follow listener failed");
    }
  }

  /** One poll; true if something was applied (so the next poll runs at once). */
  private boolean poll() throws IOException {
    long now = System.nanoTime();
    boolean deep = now - lastDeepCheck >= DEEP_CHECK_INTERVAL.toNanos();
    if (deep) {
      lastDeepCheck = now;
    }
    long at = db.txid();
    NextFiles.Step step = next.after(at, deep);
    switch (step) {
      case NextFiles.UpToDate u -> {
        if (u.replicaMaxTxid() < at) {
          throw new FollowException(
              FollowException.Kind.REPLICA_BEHIND,
              replica
                  + " only reaches TXID "
                  + Txid.format(u.replicaMaxTxid())
                  + " but "
                  + options.output()
                  + " is at TXID "
                  + Txid.format(at)
                  + ": the replica was reset or replaced; restore again (-force)");
        }
        return false;
      }
      case NextFiles.Files fs -> {
        for (LtxFileInfo f : fs.files()) {
          if (stopping) {
            return true;
          }
          Path local = staging.resolve("L" + f.level() + "-" + f.name());
          try {
            download(f, local);
          } catch (IOException e) {
            if (!vanished(e)) {
              throw e;
            }
            logged(LOG.atDebug()).log("{} vanished (compaction/retention); listing again", f);
            return true;
          }
          try {
            FollowerDatabase.Applied a = db.apply(local);
            applied(a, f.label());
          } finally {
            Files.deleteIfExists(local);
          }
        }
        return true;
      }
      case NextFiles.NeedsSnapshot s -> {
        catchUpFromSnapshot(at);
        return true;
      }
    }
  }

  private void catchUpFromSnapshot(long at) throws IOException {
    Path restored = staging.resolve("catchup.db");
    Path ltx = staging.resolve("catchup.ltx");
    try {
      RestoreResult r;
      try {
        r = restoreLatest(client, replica, restored, options);
      } catch (RestoreException e) {
        if (e.reason() == RestoreException.Reason.GAP
            || e.reason() == RestoreException.Reason.NO_BACKUPS) {
          throw new FollowException(
              FollowException.Kind.GAP,
              "gap: no file on "
                  + replica
                  + " continues TXID "
                  + Txid.format(at)
                  + " of "
                  + options.output()
                  + " (no level-0 file starts at "
                  + Txid.format(at + 1)
                  + ", no compacted file covers it) and the latest state cannot be restored either: "
                  + e.getMessage());
        }
        throw e;
      }
      if (r.txid() <= at) {
        return;
      }
      logged(LOG.atInfo())
          .log(
              "no file continues TXID {} (compacted away); catching up from the latest"
                  + " snapshot, TXID {}",
              Txid.format(at),
              Txid.format(r.txid()));
      try (DatabaseImage image = DatabaseImage.open(restored, false);
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(ltx), 64 * 1024)) {
        LtxHeader header =
            LtxHeader.snapshot(
                image.pageSize(), image.pageCount(), r.txid(), r.timestamp().toEpochMilli());
        DatabaseSnapshots.encode(image, new LtxEncoder(out, header));
      }
      applied(db.apply(ltx), "snapshot");
    } finally {
      Files.deleteIfExists(ltx);
      Files.deleteIfExists(restored);
    }
  }

  private void applied(FollowerDatabase.Applied a, String source) {
    lock.lock();
    try {
      txid = a.txid();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    logged(LOG.atDebug())
        .addKeyValue("txid", Txid.format(a.txid()))
        .log("follower applied {} ({} pages)", source, a.pages());
    try {
      options
          .listener()
          .applied(
              new FollowEvent(a.txid(), Instant.ofEpochMilli(a.timestamp()), a.pages(), source));
    } catch (RuntimeException e) {
      logged(LOG.atWarn())
          .addKeyValue("txid", Txid.format(a.txid()))
          .setCause(e)
          .log("follow listener failed");
    }
  }

  /** {@code event} naming the database this follower writes and the replica it follows. */
  private LoggingEventBuilder logged(LoggingEventBuilder event) {
    return event.addKeyValue("db", options.output()).addKeyValue("replica", replica);
  }

  private static boolean vanished(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LtxFileNotFoundException) {
        return true;
      }
    }
    return false;
  }

  private void download(LtxFileInfo f, Path local) throws IOException {
    try (InputStream in = ResumableInputStream.open(client, f, options.retryPolicy())) {
      Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void sleep(Duration d) {
    lock.lock();
    try {
      if (!stopping) {
        changed.awaitNanos(d.toNanos());
      }
    } catch (InterruptedException e) {
      stopping = true;
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static void clearStaging(Path staging) throws IOException {
    try (var files = Files.list(staging)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void clearStagingQuietly() {
    try {
      clearStaging(staging);
      Files.deleteIfExists(staging);
    } catch (IOException e) {
      logged(LOG.atDebug()).log("follower cannot clean {}: {}", staging, e.getMessage());
    }
  }

  /** Stops following: waits for an apply in progress, then closes the database. Idempotent. */
  @Override
  public void close() throws IOException {
    stopping = true;
    signal();
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      db.close();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
