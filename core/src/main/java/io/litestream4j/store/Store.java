package io.litestream4j.store;

import io.litestream4j.config.StoreOptions;
import io.litestream4j.db.Database;
import io.litestream4j.internal.WorkPermits;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.RetryPolicy;
import io.litestream4j.restore.ReplicaCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one database's replica compact, bounded and checked: compaction of level n-1 into level n,
 * level-9 snapshots, retention, and validation — on a schedule from its own thread, or on request.
 *
 * <pre>{@code
 * Store store = Store.open(database, client, StoreOptions.from(config), Clock.systemUTC());
 * store.start();                      // background schedule (when options.background())
 * store.snapshotNow(true);            // replicate -once -force-snapshot
 * store.enforceRetention();           // replicate -once -enforce-retention
 * store.close();
 * }</pre>
 *
 * <h2>Schedule</h2>
 *
 * Compaction of each level and snapshots run on boundaries aligned to the wall clock (multiples of
 * their interval since the epoch, UTC), starting with one run at {@link #start()}; that first run
 * is skipped when the destination level already holds data from after the latest boundary (a
 * restart must not compact or snapshot again within one interval). A snapshot is skipped when the
 * newest snapshot already covers the database's position, so an idle database produces no new
 * snapshots and, having no new L0 files, no compactions. Snapshot retention (cascading to levels
 * 1..8) runs after each snapshot tick and again when a deletion candidate's wait ends; L0 retention
 * (with the replica base check and the sweep of stale temporary files) at most {@code
 * l0RetentionCheckInterval} apart — moved up to a compaction boundary that falls in the second half
 * of that interval, so an idle store wakes once for both — and after each L1 compaction; validation
 * every {@code validationInterval} when enabled.
 *
 * <h2>Concurrency</h2>
 *
 * All jobs — scheduled or requested through the public methods — run one at a time, so retention
 * never races a compaction or snapshot of the same replica. Public methods are thread-safe and
 * block while another job runs. {@link #close()} aborts an upload in progress and stops the thread.
 */
public final class Store implements AutoCloseable, ReplicaUpkeep {
  private static final Logger LOG = LoggerFactory.getLogger(Store.class);
  private static final long NOT_READY_RETRY_MILLIS = 1000;
  private static final long MAX_SLEEP_MILLIS = 60_000;
  private static final String CANDIDATES_FILE = "retention-candidates";

  /**
   * Temporary files of interrupted uploads older than this are removed. An upload in progress keeps
   * touching its file, and this process never deletes its own; one hour leaves any other tool's
   * write far behind.
   */
  static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  private final Database database;
  private final ReplicaClient client;
  private final StoreOptions options;
  private final Clock clock;
  private final WorkPermits permits;
  private final String name;
  private final StoreStats stats = new StoreStats();
  private final AtomicReference<StreamPipe.Reader> inFlight = new AtomicReference<>();
  private final LevelCompactor compactor;
  private final Snapshotter snapshotter;
  private final Retention retention;
  private final DeletionCandidates candidates;
  private final ReentrantLock jobs = new ReentrantLock();
  private final ReentrantLock sleep = new ReentrantLock();
  private final Condition wake = sleep.newCondition();
  private volatile @Nullable ValidationReport lastValidation;
  private volatile boolean closed;
  private @Nullable Thread thread;

  // Schedule state, guarded by `jobs`. Index 0 of compactDue is unused.
  private final long[] compactDue;
  private final boolean[] compactedOnce;
  private long snapshotDue = Long.MAX_VALUE;
  private boolean snapshottedOnce;
  private long retentionDue = Long.MAX_VALUE;
  private long l0Due = Long.MAX_VALUE;
  private long validationDue = Long.MAX_VALUE;
  private long tempCleanupDue = Long.MAX_VALUE;

  /** Why a snapshot was requested out of schedule ({@link #requestSnapshot}); null when none is. */
  private volatile @Nullable String snapshotRequest;

  /** When to (re)try the requested snapshot, ms since the epoch. */
  private volatile long snapshotRequestDue = Long.MAX_VALUE;

  private Store(
      Database database,
      ReplicaClient client,
      StoreOptions options,
      Clock clock,
      WorkPermits permits) {
    this.permits = Objects.requireNonNull(permits, "permits");
    this.database = Objects.requireNonNull(database, "database");
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.name = database.path().getFileName().toString();
    Path meta = database.localDir().metaDir();
    this.candidates = DeletionCandidates.load(meta.resolve(CANDIDATES_FILE));
    this.compactor =
        new LevelCompactor(client, database.localDir(), name, RetryPolicy.DEFAULT, inFlight);
    this.snapshotter = new Snapshotter(database, client, name, inFlight);
    this.retention = new Retention(client, database.localDir(), options, candidates, name);
    this.compactDue = new long[options.topLevel() + 1];
    this.compactedOnce = new boolean[options.topLevel() + 1];
    Arrays.fill(compactDue, Long.MAX_VALUE);
  }

  /**
   * A store for {@code database}'s replica on {@code client}. Nothing runs until {@link #start()}
   * or one of the on-request methods is called. The client stays owned by the caller.
   */
  public static Store open(
      Database database, ReplicaClient client, StoreOptions options, Clock clock) {
    return open(database, client, options, clock, WorkPermits.unbounded());
  }

  /**
   * As {@link #open(Database, ReplicaClient, StoreOptions, Clock)}; scheduled jobs run on a virtual
   * thread and each round of due jobs holds one of {@code permits}, shared by every database of the
   * process, so snapshots and compactions of many databases queue instead of running all at once.
   */
  public static Store open(
      Database database,
      ReplicaClient client,
      StoreOptions options,
      Clock clock,
      WorkPermits permits) {
    if (!options.retentionEnabled()) {
      LOG.atWarn()
          .addKeyValue("db", database.path().getFileName())
          .log(
              "retention is disabled: replica files are never deleted; the storage's own lifecycle "
                  + "rules must remove old files");
    }
    return new Store(database, client, options, clock, permits);
  }

  @Override
  public StoreOptions options() {
    return options;
  }

  /**
   * What the last L0 retention pass found (Litestream's {@code
   * litestream_l0_retention_files_total}).
   */
  @Override
  public Optional<L0RetentionScan> lastL0RetentionScan() {
    return retention.lastL0Scan();
  }

  @Override
  public StoreStats stats() {
    return stats;
  }

  /** The most recent validation, periodic or requested. */
  @Override
  public Optional<ValidationReport> lastValidation() {
    return Optional.ofNullable(lastValidation);
  }

  /**
   * Schedules every job: compactions and the snapshot at once, then on their boundaries; L0
   * retention and validation after their first interval. Starts the named background virtual thread
   * {@code l4j-store-<db>} when {@link StoreOptions#background()} is set; without it the schedule
   * only advances through {@link #runDue()}.
   */
  public synchronized void start() {
    requireOpen();
    if (thread != null) {
      return;
    }
    jobs.lock();
    try {
      long now = clock.millis();
      Arrays.fill(compactDue, 1, compactDue.length, now);
      snapshotDue = now;
      tempCleanupDue = now;
      l0Due = now + options.l0RetentionCheckInterval().toMillis();
      validationDue =
          options.validationInterval().isZero()
              ? Long.MAX_VALUE
              : now + options.validationInterval().toMillis();
    } finally {
      jobs.unlock();
    }
    if (options.background()) {
      thread = Thread.ofVirtual().name("l4j-store-" + name).start(this::loop);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // On request
  // ---------------------------------------------------------------------------------------------

  /**
   * Writes a level-9 snapshot of the database now ({@code replicate -once -force-snapshot} passes
   * {@code force}).
   *
   * @param force write one even when the newest snapshot already holds the current state
   * @return the snapshot written; empty when it was not needed or the database does not exist yet
   */
  @Override
  public Optional<LtxFileInfo> snapshotNow(boolean force) throws IOException {
    return run(
        () -> {
          Snapshotter.Outcome outcome = snapshotter.snapshot(force);
          if (outcome instanceof Snapshotter.Outcome.Written w) {
            stats.snapshotted();
            return Optional.of(w.file());
          }
          return Optional.empty();
        });
  }

  /**
   * Asks for a snapshot as soon as possible, out of schedule: the replica lost its base (wiped, or
   * files deleted behind the replicator's back) or the database changed its page size, and until a
   * new snapshot exists restores depend on files that may be gone. Never blocks; the background
   * thread (or the next {@link #runDue()}) takes it.
   */
  public void requestSnapshot(String reason) {
    snapshotRequest = reason;
    snapshotRequestDue = 0;
    wakeUp();
  }

  /**
   * Compacts level {@code level - 1} into {@code level} now.
   *
   * @return the files written, oldest first (empty when there was nothing new)
   */
  @Override
  public List<LtxFileInfo> compact(int level) throws IOException {
    if (level < 1 || level > options.topLevel()) {
      throw new IllegalArgumentException(
          "level "
              + level
              + " is not a configured compaction level (L1..L"
              + options.topLevel()
              + ")");
    }
    return run(() -> compactLevel(level));
  }

  /**
   * Runs snapshot retention (cascading to levels 1..8) and L0 retention now ({@code replicate -once
   * -enforce-retention}). Deletes the candidates whose wait has ended — including waits begun by
   * earlier runs, since candidates are remembered in the state directory — and starts the wait of
   * new ones; with a zero {@link StoreOptions#retentionGrace()} (and {@code l0-retention}) deletion
   * is immediate.
   */
  @Override
  public RetentionResult enforceRetention() throws IOException {
    return run(
        () -> {
          long now = clock.millis();
          RetentionResult r =
              retention.enforceSnapshotRetention(now).plus(retention.enforceL0Retention(now));
          client.deleteStaleTemporaryFiles(Instant.ofEpochMilli(now).minus(STALE_TEMP_AGE));
          stats.deleted(r.deleted().size());
          scheduleRetentionFollowUp();
          return r;
        });
  }

  /** Runs L0 retention (and local L0 cleanup) now. */
  @Override
  public RetentionResult enforceL0Retention() throws IOException {
    return run(this::l0Retention);
  }

  /**
   * Checks every level for order, gaps and overlaps, L9 for non-snapshots, and that the newest
   * state is restorable. Each issue is logged as a warning and counted in {@link
   * StoreStats#validationIssues()}.
   */
  @Override
  public ValidationReport validate() throws IOException {
    return run(this::validateNow);
  }

  /**
   * Runs every job that is due at the clock's current time and returns when the next one is due (ms
   * since the epoch). The background thread calls this in a loop; tests with a controlled clock
   * call it directly.
   */
  public long runDue() {
    jobs.lock();
    try {
      long now = clock.millis();
      String requested = snapshotRequest;
      if (requested != null && snapshotDue != Long.MAX_VALUE && now >= snapshotRequestDue) {
        snapshotRequest = null;
        snapshotRequestDue = Long.MAX_VALUE;
        LOG.atWarn().addKeyValue("db", name).log("writing a snapshot now: {}", requested);
        snapshottedOnce = true;
        long retry = requestedSnapshot();
        if (retry < Long.MAX_VALUE / 2 && snapshotRequest == null) {
          snapshotRequest = requested;
          snapshotRequestDue = clock.millis() + retry;
        }
      }
      for (int level = 1; level <= options.topLevel(); level++) {
        if (now >= compactDue[level]) {
          attempt("compaction into L" + level, this::scheduledCompaction, level);
          compactDue[level] = new Schedule(options.interval(level)).nextBoundary(clock.millis());
        }
      }
      if (now >= snapshotDue) {
        long retry = scheduledSnapshot();
        long next = new Schedule(options.snapshotInterval()).nextBoundary(clock.millis());
        snapshotDue = Math.min(next, clock.millis() + retry);
        attempt("snapshot retention", level -> snapshotRetention(), 0);
      } else if (now >= retentionDue) {
        attempt("snapshot retention", level -> snapshotRetention(), 0);
      }
      if (now >= l0Due) {
        attempt("replica base check", level -> checkBase(), 0);
        attempt("L0 retention", level -> l0Retention(), 0);
        l0Due = nextL0Check(now);
      }
      if (tempCleanupDue != Long.MAX_VALUE && now >= tempCleanupDue) {
        attempt(
            "temporary file cleanup",
            level ->
                client.deleteStaleTemporaryFiles(
                    Instant.ofEpochMilli(clock.millis()).minus(STALE_TEMP_AGE)),
            0);
        tempCleanupDue = l0Due; // from now on swept in the same wake-up as the L0 check
      }
      if (now >= validationDue) {
        attempt("replica base check", level -> checkBase(), 0);
        attempt("validation", level -> validateNow(), 0);
        validationDue = clock.millis() + options.validationInterval().toMillis();
      }
      long next = Math.min(Math.min(snapshotDue, retentionDue), Math.min(l0Due, validationDue));
      next = Math.min(Math.min(next, tempCleanupDue), snapshotRequestDue);
      for (int level = 1; level <= options.topLevel(); level++) {
        next = Math.min(next, compactDue[level]);
      }
      return next;
    } finally {
      jobs.unlock();
    }
  }

  /**
   * When to check L0 next after a check that began at {@code now}: one interval later, or the
   * earliest compaction boundary when that falls in the second half of the interval, so that an
   * idle store wakes once for both (every 15 s on the default schedule, instead of at the L0 check,
   * the temporary-file sweep and the L1 boundary separately; each wake-up of an idle process costs
   * a few tenths of a millisecond of CPU on a virtualised host, docs/performance.md, P6 session 9).
   */
  private long nextL0Check(long now) {
    long interval = options.l0RetentionCheckInterval().toMillis();
    long at = now + interval;
    long compaction = Long.MAX_VALUE;
    for (int level = 1; level <= options.topLevel(); level++) {
      compaction = Math.min(compaction, compactDue[level]);
    }
    return compaction <= at && compaction - now >= interval / 2 ? compaction : at;
  }

  // ---------------------------------------------------------------------------------------------
  // Jobs (called with `jobs` held)
  // ---------------------------------------------------------------------------------------------

  private List<LtxFileInfo> compactLevel(int level) throws IOException {
    List<LtxFileInfo> written = compactor.compact(level);
    stats.compacted(written.size());
    if (!written.isEmpty()) {
      if (options.verifyCompaction()) {
        List<ValidationIssue> issues = LevelValidator.checkLevel(level, client.ltxFiles(level, 1));
        if (!issues.isEmpty()) {
          stats.verifyFailed();
          LOG.atWarn()
              .addKeyValue("db", name)
              .log("verify-compaction: L{} is inconsistent after compaction: {}", level, issues);
        }
      }
      if (level == 1) {
        l0Retention();
      }
    }
    return written;
  }

  private void scheduledCompaction(int level) throws IOException {
    boolean first = !compactedOnce[level];
    compactedOnce[level] = true;
    if (first && tooEarly(level, options.interval(level))) {
      LOG.atDebug()
          .addKeyValue("db", name)
          .log("L{} already holds data from this interval; first compaction skipped", level);
      return;
    }
    compactLevel(level);
  }

  /**
   * Takes the scheduled snapshot.
   *
   * @return in how many ms to try again: soon when the database is not ready yet or the snapshot
   *     failed (a failed daily snapshot must not wait a day), else never before the next boundary
   */
  private long scheduledSnapshot() {
    long[] retry = {Long.MAX_VALUE / 2};
    boolean ok =
        attempt(
            "snapshot",
            level -> {
              boolean first = !snapshottedOnce;
              snapshottedOnce = true;
              if (first && tooEarly(LtxFileInfo.SNAPSHOT_LEVEL, options.snapshotInterval())) {
                LOG.atDebug()
                    .addKeyValue("db", name)
                    .log("newest snapshot is from this interval; first snapshot skipped");
                return;
              }
              Snapshotter.Outcome outcome = snapshotter.snapshot(false);
              switch (outcome) {
                case Snapshotter.Outcome.Written w -> stats.snapshotted();
                case Snapshotter.Outcome.NotReady n -> {
                  retry[0] = NOT_READY_RETRY_MILLIS;
                  snapshottedOnce = false;
                }
                case Snapshotter.Outcome.Unchanged u ->
                    LOG.atDebug()
                        .addKeyValue("db", name)
                        .log(
                            "snapshot skipped, nothing changed since TXID {}",
                            io.litestream4j.ltx.Txid.format(u.txid()));
              }
            },
            LtxFileInfo.SNAPSHOT_LEVEL);
    if (!ok) {
      retry[0] =
          Math.clamp(
              options.snapshotInterval().toMillis() / 10, NOT_READY_RETRY_MILLIS, MAX_SLEEP_MILLIS);
    }
    return retry[0];
  }

  /**
   * Writes the requested snapshot.
   *
   * @return in how many ms to try again, {@code Long.MAX_VALUE / 2} when done
   */
  private long requestedSnapshot() {
    long[] retry = {Long.MAX_VALUE / 2};
    boolean ok =
        attempt(
            "requested snapshot",
            level -> {
              switch (snapshotter.snapshot(false)) {
                case Snapshotter.Outcome.Written w -> stats.snapshotted();
                case Snapshotter.Outcome.NotReady n -> retry[0] = NOT_READY_RETRY_MILLIS;
                case Snapshotter.Outcome.Unchanged u ->
                    LOG.atDebug()
                        .addKeyValue("db", name)
                        .log(
                            "requested snapshot not needed, L9 holds TXID {}",
                            io.litestream4j.ltx.Txid.format(u.txid()));
              }
            },
            LtxFileInfo.SNAPSHOT_LEVEL);
    return ok ? retry[0] : NOT_READY_RETRY_MILLIS * 5;
  }

  /**
   * Checks that the replica still has a base a restore can start from (a file starting at TXID 1 at
   * some level); when it has none although the database has been replicated — the replica was
   * wiped, or a lifecycle rule deleted its old files — says so loudly and writes a snapshot right
   * away instead of leaving the replica unrestorable until the next scheduled one.
   */
  private void checkBase() throws IOException {
    if (database.position().txid() == 0) {
      return;
    }
    for (int level = LtxFileInfo.SNAPSHOT_LEVEL; level >= LtxFileInfo.L0; level--) {
      List<LtxFileInfo> files = client.ltxFiles(level, 1);
      if (!files.isEmpty() && files.getFirst().minTxid() == 1) {
        return;
      }
    }
    stats.failed("replica base check: no snapshot on the replica");
    LOG.atError()
        .addKeyValue("db", name)
        .log(
            "the replica lost its base: no file on it starts at TXID {} (no snapshot), so it cannot be"
                + " restored; was it wiped or cleaned by a lifecycle rule? Writing a new snapshot now",
            io.litestream4j.ltx.Txid.format(1));
    requestSnapshot("the replica has no snapshot");
  }

  /** True when {@code level}'s newest file already holds data from after the latest boundary. */
  private boolean tooEarly(int level, Duration interval) throws IOException {
    long boundary = new Schedule(interval).previousBoundary(clock.millis());
    return LevelFiles.newest(client.ltxFiles(level, 1))
        .map(f -> f.createdAt().toEpochMilli() >= boundary)
        .orElse(false);
  }

  private RetentionResult snapshotRetention() throws IOException {
    RetentionResult r = retention.enforceSnapshotRetention(clock.millis());
    stats.deleted(r.deleted().size());
    scheduleRetentionFollowUp();
    return r;
  }

  private void scheduleRetentionFollowUp() {
    long grace = options.retentionGrace().toMillis();
    retentionDue =
        candidates
            .earliestMaturity(level -> level == LtxFileInfo.L0 ? Long.MAX_VALUE : grace)
            .orElse(Long.MAX_VALUE);
  }

  private RetentionResult l0Retention() throws IOException {
    RetentionResult r = retention.enforceL0Retention(clock.millis());
    stats.deleted(r.deleted().size());
    return r;
  }

  private ValidationReport validateNow() throws IOException {
    List<List<LtxFileInfo>> levels = ReplicaCatalog.listLevels(client, false);
    ValidationReport report = LevelValidator.validate(levels, Instant.ofEpochMilli(clock.millis()));
    stats.validated(report.issues().size());
    lastValidation = report;
    for (ValidationIssue issue : report.issues()) {
      LOG.atWarn().addKeyValue("db", name).log("validation: {}", issue);
    }
    return report;
  }

  // ---------------------------------------------------------------------------------------------

  @FunctionalInterface
  private interface Job<T> {
    T run() throws IOException;
  }

  @FunctionalInterface
  private interface LevelJob {
    void run(int level) throws IOException;
  }

  private <T> T run(Job<T> job) throws IOException {
    requireOpen();
    jobs.lock();
    try {
      return job.run();
    } finally {
      jobs.unlock();
    }
  }

  /**
   * Runs a scheduled job; failures are logged and counted, and the job runs again at its next turn.
   *
   * @return false when the job failed
   */
  private boolean attempt(String what, LevelJob job, int level) {
    if (closed) {
      return true;
    }
    try {
      job.run(level);
      return true;
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        stats.failed(what + ": " + e.getMessage());
        // An I/O failure (the replica unreachable) is fully said by its message; a stack trace is
        // kept for what would be a bug.
        LOG.atError()
            .addKeyValue("db", name)
            .setCause(e instanceof IOException ? null : e)
            .log("{} failed; retrying at its next turn: {}", what, e.getMessage());
      }
      return false;
    }
  }

  private void loop() {
    while (!closed) {
      long next;
      try (WorkPermits.Permit p = permits.acquire()) {
        next = closed ? 0 : runDue();
      }
      sleep.lock();
      try {
        long delay;
        while (!closed && (delay = Math.min(next, snapshotRequestDue) - clock.millis()) > 0) {
          wake.await(Math.min(delay, MAX_SLEEP_MILLIS), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        sleep.unlock();
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("store of " + name + " is closed");
    }
  }

  /**
   * Cancels a job in flight at once (a second interrupt signal): its upload is aborted and its
   * thread interrupted, so a backend that stalls cannot hold {@link #close()} up. Only called on
   * the way out; the store is closed afterwards.
   */
  public void cancelInFlight() {
    closed = true;
    StreamPipe.Reader upload = inFlight.get();
    if (upload != null) {
      upload.abort();
    }
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Tells the background thread to stop without waiting for it: a job in progress finishes, no new
   * one starts, and a thread queued for a work permit gives it back at once. Many databases
   * shutting down together call this for all of them first, so none queues behind the others'
   * compactions.
   */
  public void requestStop() {
    closed = true;
    wakeUp();
  }

  /** Wakes the background thread from its sleep to look at what changed. */
  private void wakeUp() {
    sleep.lock();
    try {
      wake.signalAll();
    } finally {
      sleep.unlock();
    }
  }

  /** Aborts an upload in progress, stops the background thread and waits for it. */
  @Override
  public void close() {
    closed = true; // may already be set by cancelInFlight(); the join below is still wanted
    StreamPipe.Reader upload = inFlight.get();
    if (upload != null) {
      upload.abort();
    }
    requestStop();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
