package io.litestream4j.db;

import io.litestream4j.config.DbOptions;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.sqlite.DatabaseHeader;
import io.litestream4j.sqlite.FramePages;
import io.litestream4j.sqlite.PageIndex;
import io.litestream4j.sqlite.WalHeader;
import io.litestream4j.sqlite.WalOverlay;
import io.litestream4j.sqlite.WalPosition;
import io.litestream4j.sqlite.WalReader;
import io.litestream4j.sqlite.WalSegment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQLite database under replication: turns every batch of committed WAL frames into the next
 * level-0 LTX file in the local state directory, and checkpoints the WAL.
 *
 * <h2>What it guarantees</h2>
 *
 * <ul>
 *   <li>L0 files form one unbroken TXID sequence. Each carries the database's rolling checksum
 *       before and after it, so {@code pre(n+1) == post(n)} and applying the files reproduces the
 *       database byte for byte at every TXID.
 *   <li>A file is written only when the WAL holds new committed frames: an idle database produces
 *       no files (invariant 4, docs/invariants.md). Frames of an unfinished transaction are never
 *       shipped.
 *   <li>When the WAL no longer continues from where the last file ended (overwritten, reset with
 *       frames the replicator never saw, replaced database) the next file contains every page of
 *       the database — a "full" L0 file — so nothing is ever silently missed.
 *   <li>An expected WAL reset continues incrementally (invariant 3, docs/invariants.md): the one
 *       that follows the replicator's own complete checkpoint (which seals the WAL under a brief
 *       write barrier and records where it ended), and any reset — whoever checkpointed — while the
 *       read transaction has been held without a gap since a sync that covered its read mark,
 *       because SQLite cannot then have reset the WAL past a frame that was not synced.
 *   <li>After a restart the in-memory state is rebuilt from the database file and WAL; when its
 *       checksum equals the checksum the newest file recorded, replication continues without
 *       re-uploading anything.
 *   <li>Nothing proportional to the database size is ever done while holding SQLite's write lock.
 * </ul>
 *
 * <h2>The lock rule</h2>
 *
 * SQLite coordinates processes with POSIX advisory locks, and those belong to a process and a file,
 * not to a descriptor: closing <em>any</em> descriptor of the database file in this process
 * releases <em>every</em> lock the process holds on it, those of SQLite connections included — the
 * replicator's and, when it is embedded, the application's ("How To Corrupt An SQLite Database
 * File", section 2.2). A connection that has lost its SHARED lock does not notice; the next process
 * to close its last connection then believes it is the last user, checkpoints and deletes the WAL
 * under the connections still open. So, for its whole life:
 *
 * <ul>
 *   <li>the replicator holds exactly one descriptor of the database file and one of the WAL ({@link
 *       DatabaseFiles}), or reads through SQLite; everything that reads them — syncs, full files,
 *       restart checks and checksums, {@link DatabaseSnapshot}s — goes through those two. It never
 *       opens the {@code -shm} file. The descriptors are {@link ReadOnlyFileChannel}s, which a
 *       thread interrupt cannot close;
 *   <li>it takes SQLite's read lock before anything else ({@link #open()}, called first thing by
 *       {@code Replication.start}) and always holds a read transaction: moving the read mark is a
 *       hand-over between two connections, never a release and re-take;
 *   <li>the database file's descriptor is closed only in {@link #close()}, after the replicator's
 *       own connections are closed, and not even then while this process still holds locks on the
 *       file (it is then kept until the process exits). SQLite never locks the {@code -wal} file,
 *       so that descriptor is replaced when SQLite recreates the file.
 * </ul>
 *
 * <p>An application that embeds the replicator must keep to the same rule: never open and close a
 * descriptor of the database, {@code -wal} or {@code -shm} file in the process (no {@code
 * Files.copy}, {@code Files.readAllBytes}, {@code FileChannel.open(db)} of a live database; copy it
 * with SQLite's backup API or in another process), and use the same SQLite library as the
 * replicator (one {@code sqlite-jdbc} in one class loader): SQLite shares its lock bookkeeping only
 * among connections of one library instance. Closing the replication while the application's
 * connections are open is safe (see above); the application may close them in any order.
 *
 * <h2>Concurrency</h2>
 *
 * All methods that touch the WAL or the local files are {@code synchronized}: the monitor thread,
 * an explicit {@link #sync()} from an embedding application and {@link #close()} are serialised.
 * {@link #position()} is a volatile read and never blocks.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** Bounds how long the write barrier waits for an application's checkpoint: 5 × 2 ms. */
  private static final int SEALED_CHECKPOINT_RETRIES = 5;

  private static final long SEALED_CHECKPOINT_RETRY_MILLIS = 2;

  /**
   * The most page bytes a sync keeps from its scan of the WAL (see {@link #framePages}); never more
   * than {@link DbOptions#maxSyncWalBytes()}.
   */
  private static final long FRAME_PAGES_MAX_BYTES = 32L << 20;

  /**
   * The page buffer is let go at the end of a sync when no scan of the last {@link
   * #FRAME_PAGES_IDLE_MILLIS} kept this many pages: a quiet database holds none, a busy one does
   * not allocate it anew at every sync.
   */
  private static final int FRAME_PAGES_BUSY = 64;

  private static final long FRAME_PAGES_IDLE_MILLIS = 5_000;

  /** Frames past the WAL's end at its start that a sync still takes (see {@link #syncWal}). */
  private static final int TAIL_SLACK_FRAMES = 4;

  private final Path path;
  private final Path walPath;
  private final DbOptions options;
  private final LocalLtxDir local;
  private final BaselineSource baselines;
  private final Clock clock;
  private final PositionListener listener;

  // --- state owned by the synchronized methods ---
  /** The replicator's only descriptors on the database and WAL files (see the lock rule). */
  private final DatabaseFiles files;

  private @Nullable SqliteSession session;

  /** True once the replication state below has been rebuilt from disk for the open session. */
  private boolean initialized;

  /** Identities of the files our connections opened, to notice them replaced. */
  private FileIdentities identities;

  /**
   * Size, modification time and identity of the database and WAL files when the last successful
   * sync started.
   */
  private volatile @Nullable FileStamps stampsAtLastSync;

  private int pageSize;
  private @Nullable DatabaseChecksum checksum;
  private @Nullable WalCursor cursor;

  /**
   * The pages the last scan read and verified, so the L0 file is written without reading the WAL a
   * second time (a seek and a read per page: a third of the replicator's system calls at 4 writers
   * in benchmark P2). Bounded (pages beyond the bound are read from the WAL as before) and kept
   * between syncs only while the database is busy.
   */
  private @Nullable FramePages framePages;

  private long framePagesBusyMillis;

  /** Set after a complete checkpoint: the next WAL generation may start fresh from here. */
  private @Nullable WalCursor expectedReset;

  /**
   * True while our read transaction may sit on read mark 0: it began on a fully checkpointed WAL
   * (after a complete checkpoint, or at start). Such a reader blocks every backfill, and SQLite's
   * automatic checkpoint then sorts the whole WAL on every application commit before giving up —
   * the writers' CPU per commit grows with the WAL (six-fold within 4 s at full speed, measured).
   * The next sync therefore hands the read transaction over to a mark inside the new WAL
   * generation, and the monitor runs that sync without waiting for the sync interval.
   */
  private volatile boolean readerOnMarkZero;

  /**
   * {@link SqliteSession#gaps()} when the WAL was last known guarded (see {@link #walGuarded()});
   * -1: not.
   */
  private long guardedSinceGaps = -1;

  /** Non-null when the next file must contain every page; {@link #fullDetail} says why in words. */
  private @Nullable FullFileReason fullReason;

  private @Nullable String fullDetail;
  private boolean syncedSinceCheckpoint;

  /**
   * Set when the files were replaced: a full file the next initialisation needs is counted as such.
   */
  private boolean reopened;

  private long lastCheckpointMillis;
  private boolean closed;

  private volatile Position position = Position.NONE;
  private final SyncStats stats = new SyncStats();

  /**
   * Open {@link DatabaseSnapshot}s; while any is open the database runs no checkpoint of its own.
   */
  private final AtomicInteger snapshotPins = new AtomicInteger();

  /** Told about every new local TXID, on the syncing thread; must not block. */
  @FunctionalInterface
  public interface PositionListener {
    void onSynced(Position position);
  }

  public Database(
      Path path,
      DbOptions options,
      LocalLtxDir local,
      BaselineSource baselines,
      PositionListener listener,
      Clock clock) {
    this.path = path.toAbsolutePath();
    this.walPath = this.path.resolveSibling(this.path.getFileName() + "-wal");
    this.files = new DatabaseFiles(this.path, walPath);
    this.identities = FileIdentities.none(this.path, walPath, shmPath());
    this.options = Objects.requireNonNull(options);
    this.local = Objects.requireNonNull(local);
    this.baselines = Objects.requireNonNull(baselines);
    this.listener = Objects.requireNonNull(listener);
    this.clock = Objects.requireNonNull(clock);
  }

  public Path path() {
    return path;
  }

  public Path walPath() {
    return walPath;
  }

  public LocalLtxDir localDir() {
    return local;
  }

  /** The read-only view of the local L0 files an uploader works from. */
  public LocalL0Files l0Files() {
    return new LocalL0Files() {
      @Override
      public long newestTxid() {
        return position.txid();
      }

      @Override
      public java.io.InputStream open(long txid) throws IOException {
        return local.open(txid);
      }

      @Override
      public Path path(long txid) {
        return local.path(txid);
      }
    };
  }

  public DbOptions options() {
    return options;
  }

  /** Outcome counters of every sync, whoever asked for it. */
  public SyncStats stats() {
    return stats;
  }

  /** The newest local TXID and checksum; {@link Position#NONE} before the first sync. */
  public Position position() {
    return position;
  }

  /** The replicator's SQLite connections open now (1 while idle, 2 during a checkpoint). */
  synchronized int sqliteConnections() {
    return session == null ? 0 : session.openConnections();
  }

  /** SQLite connections opened since the current connections were, for tests. */
  synchronized long sqliteConnectionsOpened() {
    return session == null ? 0 : session.connectionsOpened();
  }

  /** Page size of the database; 0 until initialised. */
  public synchronized int pageSize() {
    return pageSize;
  }

  /**
   * Copies every committed transaction from the WAL into new L0 files, then checkpoints if a
   * threshold is reached.
   *
   * @return the position after the sync (unchanged when there was nothing to do, or when the
   *     database file does not exist yet)
   */
  public synchronized Position sync() throws SyncException {
    if (closed) {
      throw new SyncException("database " + path + " is closed", null);
    }
    long startNanos = System.nanoTime();
    try {
      // Stamped before anything is read: a commit that lands while this sync runs must look like
      // a change to the next safety-net poll, or it would wait for the next notification (our
      // own checkpoint's writes cost one extra sync that finds nothing).
      FileStamps stampsAtStart = FileStamps.of(path, walPath);
      if (session != null && replacedOnDisk()) {
        LOG.atWarn()
            .addKeyValue("db", path)
            .log("the database, WAL or shared-memory file was deleted or replaced; reopening");
        stats.recordReopening();
        closeConnections();
        reopened = true;
      } else if (session != null && walPageSizeChanged()) {
        // A database recreated with another page size: our session read the page size before the
        // new database's first table existed. Reopen, which writes a full file at the new size.
        LOG.atWarn()
            .addKeyValue("db", path)
            .log("the WAL's page size differs from the database's {} bytes; reopening", pageSize);
        stats.recordReopening();
        closeConnections();
        reopened = true;
      }
      if (!initialized && !initialize()) {
        return position;
      }
      if (readerOnMarkZero && snapshotPins.get() == 0) {
        leaveReadMarkZero();
      } else {
        // While a snapshot is read the reader stays where it is: a hand-over would let the
        // application backfill frames past the snapshot into the database file under it.
        syncWal();
        checkpointIfNeeded();
      }
      if (framePages != null && clock.millis() - framePagesBusyMillis > FRAME_PAGES_IDLE_MILLIS) {
        framePages = null;
      }
      identities =
          identities.withWalIfUnknown(); // the WAL may have appeared after our connections opened
      stampsAtLastSync = stampsAtStart;
      stats.recordSuccess();
      stats.recordSyncTime(System.nanoTime() - startNanos);
      return position;
    } catch (IOException | RuntimeException e) {
      if (!initialized) {
        closeConnections(); // the connections may be what failed: open them afresh next time
      }
      resetState();
      SyncException se =
          e instanceof SyncException x
              ? x
              : new SyncException("sync of " + path + " failed: " + e.getMessage(), e);
      stats.recordFailure(se.diskFull());
      stats.recordSyncTime(System.nanoTime() - startNanos);
      throw se;
    }
  }

  /**
   * Moves the read transaction to the end of the WAL and syncs up to it. When the WAL holds commits
   * past the synced position, that end is past every backfilled frame (a reader on mark 0 blocks
   * every backfill), so the new transaction is on a read mark above 0. That mark alone keeps the
   * WAL from restarting, so the old transaction is let go before the sync rather than after it: the
   * application's checkpoints may then backfill frames we have not synced yet, but no writer can
   * overwrite them, and the application stops paying for our mark 0 at once instead of after a sync
   * of everything it wrote meanwhile. No checkpoint here: it would put the reader back on mark 0.
   *
   * <p>A commit is in the WAL file before SQLite publishes it in the wal-index (the writer syncs
   * the WAL first), and a read transaction begun in between would land on mark 0 again while the
   * cursor moved past that commit. The writer publishes before it lets go of the write lock, so the
   * write barrier is taken and released first: every commit seen in the file is then published.
   */
  private void leaveReadMarkZero() throws IOException {
    if (fullReason == null && !walHasUnsyncedCommit()) {
      // Nothing to move to. A hand-over would open and close a connection for nothing, and as root
      // SQLite's open of the WAL (fchown) is itself a change notification: a sync loop.
      return;
    }
    if (!session.tryAcquireBarrier()) {
      return; // the application is writing: its commit is a change, and the next sync moves us
    }
    session.releaseBarrier();
    WalCursor before = cursor;
    session.beginHandover();
    try {
      if (fullReason == null) {
        session.endHandover();
      }
      syncWal();
    } finally {
      session.endHandover();
      session.closeSpare();
    }
    readerOnMarkZero = cursor.equals(before); // nothing new: the reader may still be on mark 0
  }

  /**
   * True when the WAL holds a committed transaction past the synced position: the next frame of our
   * generation, or a commit of a new generation. Unknown (no WAL file) counts as true.
   */
  private boolean walHasUnsyncedCommit() throws IOException {
    FileChannel wal = files.wal();
    if (wal == null) {
      return true;
    }
    WalReader reader = WalReader.open(wal).orElse(null);
    if (reader == null) {
      return false;
    }
    WalPosition from = cursor.sameGeneration(reader.header()) ? cursor.position() : reader.start();
    return !reader.scan(from, reader.frameSize()).isEmpty();
  }

  /**
   * True when the next sync should not wait for the sync interval: the read transaction may be on
   * read mark 0, which makes every application commit costlier as the WAL grows.
   */
  public boolean wantsEarlySync() {
    return readerOnMarkZero;
  }

  /**
   * A cheap test for the safety-net poll: false when neither the database nor the WAL file changed
   * size, modification time or identity since the last successful sync started, so that nothing can
   * have been committed since. Costs two {@code stat} calls.
   */
  public boolean changedSinceLastSync() {
    FileStamps last = stampsAtLastSync;
    try {
      return last == null || !last.matches(path, walPath);
    } catch (IOException e) {
      return true;
    }
  }

  /** Re-reads everything from disk on the next sync, re-basing on the replica's newest state. */
  public synchronized void reset() {
    resetState();
  }

  /**
   * Opens the replicator's connections and takes SQLite's read lock now, before anything else is
   * done (issue: an application closing its last connection in the first seconds after start could
   * otherwise delete the WAL). A no-op when they are open or the database does not exist yet; the
   * first {@link #sync()} opens them otherwise.
   */
  public synchronized void open() throws IOException {
    if (closed) {
      throw new IOException("database " + path + " is closed");
    }
    if (session == null && Files.exists(path)) {
      try {
        openConnections();
      } catch (IOException | RuntimeException e) {
        closeConnections();
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Initialisation: rebuild the in-memory state from disk and decide where replication resumes.
  // ---------------------------------------------------------------------------------------------

  /**
   * True when the database file, or the WAL or shared-memory file our connections have open, was
   * deleted or replaced behind SQLite's back: our connections must then be reopened.
   */
  private boolean replacedOnDisk() throws IOException {
    return identities.replacedOnDisk();
  }

  /** True when the WAL has a valid header whose page size is not the one we replicate with. */
  private boolean walPageSizeChanged() throws IOException {
    try {
      FileChannel wal = files.wal(); // the long-lived descriptor: never opened and closed here
      if (wal == null || wal.size() < WalHeader.SIZE) {
        return false;
      }
      return WalHeader.read(wal).pageSize() != pageSize;
    } catch (io.litestream4j.sqlite.SqliteFormatException e) {
      return false;
    }
  }

  private Path shmPath() {
    return path.resolveSibling(path.getFileName() + "-shm");
  }

  /**
   * Opens the descriptors and the connections. The descriptor comes first: a SQLite connection's
   * locks are never at risk from a descriptor being opened, only from one being closed.
   */
  private void openConnections() throws IOException {
    identities = identities.withDbNow();
    files.db();
    session = SqliteSession.open(path, options.busyTimeout());
    session.observeCheckpoints(stats::recordCheckpoint);
    identities = identities.withWalAndShmNow();
    pageSize = session.pageSize();
  }

  private boolean initialize() throws IOException {
    if (session == null) {
      if (!Files.exists(path)) {
        return false;
      }
      openConnections();
    } else {
      session.acquireReadLock(); // a failed sync may have ended between releasing and retaking it
      pageSize = session.pageSize();
    }
    local.open();

    Optional<LocalLtxDir.Tip> tip = local.tip();
    Optional<Baseline> localTip =
        tip.map(t -> new Baseline(t.header().maxTxid(), t.trailer().postApplyChecksum()));
    ResumePoint resume = ResumePoint.choose(localTip, baselines.latest(), local::exists);
    if (resume.discardLocal()) {
      String localTxid = io.litestream4j.ltx.Txid.format(localTip.orElseThrow().txid());
      if (resume.base().isPresent()) {
        LOG.atInfo()
            .addKeyValue("db", path)
            .addKeyValue("txid", io.litestream4j.ltx.Txid.format(resume.base().get().txid()))
            .log(
                "local state (TXID {}) does not continue the replica; re-basing on the replica",
                localTxid);
      } else {
        LOG.atInfo()
            .addKeyValue("db", path)
            .log(
                "the replica is empty and the local files (up to TXID {}) no longer start at TXID"
                    + " 1; starting over with a file that holds the whole database",
                localTxid);
      }
      local.clear();
      tip = Optional.empty();
    }
    expectedReset = null;
    Baseline base = resume.base().orElse(null);
    Scan scan;
    if (base == null) {
      scan = scanCurrentState(null);
      position = Position.NONE;
    } else {
      position = new Position(base.txid(), base.postApplyChecksum());
      // Where the newest local file ended in the WAL, if that WAL generation is still there: the
      // state is then compared at that point and the rest of the WAL is synced as usual.
      LtxHeader h = tip.map(LocalLtxDir.Tip::header).orElse(null);
      WalMark mark =
          h != null && h.maxTxid() == base.txid() && h.walOffset() > 0
              ? new WalMark(h.walSalt1(), h.walSalt2(), h.walOffset() + h.walSize())
              : null;
      scan = scanCurrentState(mark);
    }
    Optional<FullFileReason> full = resume.fullFileReason(scan.checksum.value(), reopened);
    if (full.isPresent() && scan.atMark) {
      scan = scanCurrentState(null); // the full file holds the whole current state
    }
    checksum = scan.checksum;
    cursor = scan.cursor;
    fullReason = null;
    fullDetail = null;
    if (full.isEmpty()) {
      LOG.atInfo()
          .addKeyValue("db", path)
          .addKeyValue("txid", io.litestream4j.ltx.Txid.format(base.txid()))
          .log("resuming (database checksum matches, nothing to re-upload)");
    } else {
      String txid = base == null ? "" : io.litestream4j.ltx.Txid.format(base.txid());
      needFull(
          full.get(),
          switch (full.get()) {
            case FIRST_SYNC -> "first sync";
            case REPLACED ->
                "the database, WAL or shared-memory file was deleted or replaced (checksum differs from TXID "
                    + txid
                    + ")";
            case DIVERGED ->
                "database changed while not replicated (checksum differs from TXID " + txid + ")";
            case NO_CHECKSUM -> "newest replica file carries no checksum to verify against";
            default -> throw new IllegalStateException("not a resume decision: " + full.get());
          });
    }
    reopened = false;
    initialized = true;
    readerOnMarkZero = true; // not known: the WAL may have been fully checkpointed

    lastCheckpointMillis = clock.millis();
    if (!position.isNone()) {
      listener.onSynced(position);
    }
    return true;
  }

  /** A point in a WAL generation where a previous run's newest L0 file ended. */
  private record WalMark(int salt1, int salt2, long offset) {}

  /**
   * The database state and where in the WAL it ends: at {@code mark} when that WAL generation and
   * offset still exist (a commit boundary), else at the current end of the WAL.
   */
  private record Scan(DatabaseChecksum checksum, WalCursor cursor, boolean atMark) {}

  private Scan scanCurrentState(@Nullable WalMark mark) throws IOException {
    DatabaseChecksum sum = new DatabaseChecksum(pageSize);
    FileChannel wal = files.wal();
    Optional<WalReader> opened = wal == null ? Optional.empty() : WalReader.open(wal);
    if (opened.isPresent()) {
      WalReader reader = opened.get();
      WalCursor start = WalCursor.start(reader.header());
      WalSegment seg = reader.scan(start.position());
      boolean atMark = false;
      if (mark != null
          && mark.salt1() == reader.header().salt1()
          && mark.salt2() == reader.header().salt2()
          && mark.offset() <= seg.end().offset()) {
        WalSegment upTo = reader.scan(start.position(), mark.offset() - WalHeader.SIZE);
        if (upTo.end().offset() == mark.offset()) {
          seg = upTo;
          atMark = true;
        }
      }
      int commit = seg.isEmpty() ? dbFilePageCount() : seg.commit();
      L0FileWriter.forEachPage(
          commit, new WalOverlay(files.db(), wal, seg.pages(), pageSize), pageSize, sum::setPage);
      return new Scan(sum, start.advance(seg.end()), atMark);
    }
    L0FileWriter.forEachPage(
        dbFilePageCount(), WalOverlay.fileOnly(files.db(), pageSize), pageSize, sum::setPage);
    return new Scan(sum, WalCursor.FRESH, false);
  }

  private int dbFilePageCount() throws IOException {
    FileChannel dbFile = files.db();
    long size = dbFile.size();
    if (size < DatabaseHeader.SIZE) {
      return 0;
    }
    DatabaseHeader h = DatabaseHeader.read(dbFile);
    long bySize = size / pageSize;
    return h.pageCount() > 0 && h.pageCount() <= bySize ? h.pageCount() : (int) bySize;
  }

  // ---------------------------------------------------------------------------------------------
  // Sync
  // ---------------------------------------------------------------------------------------------

  private void syncWal() throws IOException {
    syncWal(true);
  }

  /**
   * @param allowFull false under the write barrier: a full file (work proportional to the database)
   *     is then not written; the method returns false and leaves it to the next unlocked sync
   * @return false when a full file is due but was not allowed
   */
  private boolean syncWal(boolean allowFull) throws IOException {
    long gapsAtStart = session.gaps();
    boolean headerReread = false;
    boolean more = true;
    // Frames appended while this sync runs are left to the next one: chasing a writer that is
    // faster than us would postpone the checkpoint after the sync, and the WAL would grow for as
    // long as the application writes. Under the barrier the WAL cannot grow, so this is its end.
    long target = -1;
    while (more) {
      more = false;
      FileChannel wal = files.wal();
      long walSize = wal == null ? 0 : wal.size();
      if (target < 0) {
        target = walSize;
      }
      WalReader reader = wal == null ? null : WalReader.open(wal).orElse(null);
      if (fullReason == null) {
        checkContinuity(reader);
        if (fullReason == FullFileReason.WAL_OVERWRITTEN && !headerReread) {
          // The header may have been read just before a restart rewrote the frames: read it again.
          headerReread = true;
          fullReason = null;
          fullDetail = null;
          more = true;
          continue;
        }
      }
      if (fullReason != null) {
        if (!allowFull) {
          return false;
        }
        writeFull(wal, reader);
        continue;
      }
      if (reader == null) {
        break;
      }
      // Scan up to the end the WAL had at the start, in steps of at most max-sync-wal-bytes. A
      // step ends at the last commit before its bound; only a step cut by max-sync-wal-bytes is
      // followed by another. The frames at the very end were often a transaction being written
      // at the start: a few frames of slack take a small one along (its commit would otherwise
      // wait a sync interval); a larger one goes to the next sync.
      long remaining = target - cursor.offset();
      if (remaining <= 0) {
        break;
      }
      boolean limited = remaining > options.maxSyncWalBytes();
      long bound =
          limited
              ? options.maxSyncWalBytes()
              : remaining + (long) TAIL_SLACK_FRAMES * reader.frameSize();
      FramePages kept = framePages(reader.pageSize());
      WalSegment seg = reader.scan(cursor.position(), bound, kept);
      if (seg.isEmpty()) {
        break;
      }
      if (kept.size() >= FRAME_PAGES_BUSY) {
        framePagesBusyMillis = clock.millis();
      }
      writeIncremental(wal, seg, kept);
      stats.recordWalBytes(seg.size());
      more = limited && seg.end().offset() < Math.min(walSize, target);
    }
    if (session.readLockHeld() && session.gaps() == gapsAtStart) {
      guardedSinceGaps = gapsAtStart;
    }
    return true;
  }

  /** The page buffer of the next scan, at most {@link #FRAME_PAGES_MAX_BYTES} (see the field). */
  private FramePages framePages(int walPageSize) {
    if (framePages == null || framePages.pageSize() != walPageSize) {
      framePages =
          new FramePages(walPageSize, Math.min(FRAME_PAGES_MAX_BYTES, options.maxSyncWalBytes()));
    }
    return framePages;
  }

  /**
   * True when a read transaction has been held without a gap since a sync that reached at least its
   * read mark. Then SQLite cannot have restarted the WAL before every frame of the old generation
   * was synced: a writer restarts only a fully backfilled WAL, a backfill never passes the oldest
   * read mark, and our oldest mark is at or before the synced end (a reader on mark 0 blocks every
   * backfill, so at most one restart happens between two syncs). A restart seen now therefore
   * continues the synced state, whoever checkpointed.
   */
  private boolean walGuarded() {
    return guardedSinceGaps >= 0 && session.readLockHeld() && session.gaps() == guardedSinceGaps;
  }

  /**
   * Decides whether the WAL still continues from the cursor. Sets {@link #fullReason} when it does
   * not; moves the cursor to the start of a new WAL generation when the reset was expected.
   */
  private void checkContinuity(@Nullable WalReader reader) throws IOException {
    if (reader == null) {
      boolean nothingSyncedFromWal = cursor.fresh() || cursor.offset() == WalHeader.SIZE;
      if (!nothingSyncedFromWal && !cursor.equals(expectedReset) && !walGuarded()) {
        needFull(FullFileReason.WAL_TRUNCATED, "WAL truncated by another process");
      }
      return;
    }
    WalHeader header = reader.header();
    if (cursor.fresh()) {
      cursor = WalCursor.start(header);
      return;
    }
    if (cursor.sameGeneration(header)) {
      if (!reader.continuesFrom(cursor.position())) {
        needFull(
            FullFileReason.WAL_OVERWRITTEN,
            "WAL overwritten by another process (last synced frame changed)");
      }
      return;
    }
    // Guarded, any new generation continues the synced state (see walGuarded). Otherwise only
    // the one that follows our own complete checkpoint does, recognised by its checkpoint
    // sequence or salt-1 being one more. Neither number is reliable across processes: a writer
    // that did not run WAL recovery starts a generation after a TRUNCATE with sequence 0 and
    // random salts.
    boolean nextGeneration =
        header.checkpointSeq() == cursor.checkpointSeq() + 1
            || header.salt1() == cursor.position().salt1() + 1;
    boolean expected = walGuarded() || (cursor.equals(expectedReset) && nextGeneration);
    if (expected) {
      cursor = WalCursor.start(header);
      expectedReset = null;
    } else {
      needFull(
          FullFileReason.WAL_RESTART,
          "WAL restarted with frames that were never synced (salts changed)");
    }
  }

  private void writeIncremental(FileChannel wal, WalSegment seg, @Nullable FramePages kept)
      throws IOException {
    long txid = position.txid() + 1;
    LtxHeader header =
        LtxHeader.incremental(
                pageSize, seg.commit(), txid, txid, clock.millis(), position.postApplyChecksum())
            .withWal(seg.start().offset(), seg.size(), seg.start().salt1(), seg.start().salt2());
    LtxTrailer trailer =
        writer().writeIncremental(wal, seg, kept, checksum.pageCount(), header, checksum);
    cursor = cursor.advance(seg.end());
    publish(new Position(txid, trailer.postApplyChecksum()));
  }

  private L0FileWriter writer() throws IOException {
    return new L0FileWriter(local, files.db(), pageSize);
  }

  /** Writes every page of the current database state (database file overlaid with the WAL). */
  private void writeFull(@Nullable FileChannel wal, @Nullable WalReader reader) throws IOException {
    FullFileReason reason = fullReason;
    String detail = fullDetail;
    WalCursor end = WalCursor.FRESH;
    PageIndex walPages = PageIndex.empty();
    int commit = dbFilePageCount();
    long walOffset = 0;
    long walSize = 0;
    int salt1 = 0;
    int salt2 = 0;
    if (reader != null) {
      WalHeader header = reader.header();
      WalCursor start = WalCursor.start(header);
      WalSegment seg = reader.scan(start.position());
      end = start.advance(seg.end());
      if (!seg.isEmpty()) {
        walPages = seg.pages();
        commit = seg.commit();
        walOffset = seg.start().offset();
        walSize = seg.size();
        salt1 = header.salt1();
        salt2 = header.salt2();
      }
    }
    if (commit == 0) {
      LOG.atDebug().addKeyValue("db", path).log("database is empty, nothing to snapshot");
      return;
    }
    long txid = position.txid() + 1;
    boolean snapshot = txid == 1;
    boolean tracked = snapshot || position.postApplyChecksum() != 0;
    LtxHeader base =
        snapshot
            ? LtxHeader.snapshot(pageSize, commit, txid, clock.millis())
            : LtxHeader.incremental(
                pageSize, commit, txid, txid, clock.millis(), position.postApplyChecksum());
    LtxHeader ltxHeader =
        (tracked ? base : base.withoutChecksums()).withWal(walOffset, walSize, salt1, salt2);
    DatabaseChecksum sum = writer().writeFull(wal, walPages, commit, ltxHeader, tracked);
    LOG.atInfo()
        .addKeyValue("db", path)
        .addKeyValue("txid", io.litestream4j.ltx.Txid.format(txid))
        .log("wrote full L0 file ({} pages, reason: {}): {}", commit, reason.label(), detail);
    stats.recordFullFile(reason);
    checksum = sum;
    cursor = end;
    expectedReset = null;
    fullReason = null;
    fullDetail = null;
    publish(new Position(txid, sum.value()));
  }

  private void needFull(FullFileReason reason, String detail) {
    fullReason = reason;
    fullDetail = detail;
  }

  private void publish(Position p) {
    position = p;
    syncedSinceCheckpoint = true;
    try {
      listener.onSynced(p);
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("db", path).setCause(e).log("position listener failed");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots (level 9), streamed without SQLite's write lock
  // ---------------------------------------------------------------------------------------------

  /**
   * Syncs, then freezes the state at the resulting position so that it can be streamed as a level-9
   * snapshot {@code [1, position]} while the application keeps writing. Until the returned snapshot
   * is closed the database runs no checkpoints of its own (syncs continue); see {@link
   * DatabaseSnapshot} for why that keeps it consistent. Cost under the monitor: one sync and one
   * scan of the current WAL generation, never the database size.
   *
   * @return empty when the database does not exist yet or has no pages
   */
  public synchronized Optional<DatabaseSnapshot> openSnapshot() throws IOException {
    // Pin first: the sync below must not release the read lock by checkpointing, so the read mark
    // stays at or before the WAL end it syncs to.
    snapshotPins.incrementAndGet();
    boolean handedOut = false;
    try {
      // An application checkpoint may restart the WAL between the sync and the scan (our read
      // mark can be 0 after a complete checkpoint, which does not block a restart): sync again.
      PageIndex walPages = null;
      for (int attempt = 1; walPages == null; attempt++) {
        sync();
        if (!initialized || position.isNone() || checksum.pageCount() == 0) {
          return Optional.empty();
        }
        walPages = syncedWalPages(attempt >= SNAPSHOT_ATTEMPTS);
      }
      FileChannel wal = files.wal();
      long timestamp = clock.millis();
      Optional<LocalLtxDir.Tip> tip = local.tip();
      if (tip.isPresent() && tip.get().header().maxTxid() == position.txid()) {
        timestamp = tip.get().header().timestamp();
      }
      int salt1 = cursor.fresh() ? 0 : cursor.position().salt1();
      int salt2 = cursor.fresh() ? 0 : cursor.position().salt2();
      DatabaseSnapshot snapshot =
          new DatabaseSnapshot(
              path,
              files.db(),
              walPages.isEmpty() ? null : wal,
              pageSize,
              checksum.pageCount(),
              position.txid(),
              checksum.value(),
              timestamp,
              walPages,
              salt1,
              salt2,
              snapshotPins::decrementAndGet);
      handedOut = true;
      return Optional.of(snapshot);
    } finally {
      if (!handedOut) {
        snapshotPins.decrementAndGet();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Checkpoints
  // ---------------------------------------------------------------------------------------------

  private static final int SNAPSHOT_ATTEMPTS = 3;

  /**
   * WAL frames of the synced part of the current generation; empty when the WAL was restarted since
   * the sync (that generation was fully checkpointed: the database file alone holds it).
   *
   * @return null when the synced frames are no longer in the WAL and {@code last} is false
   */
  private @Nullable PageIndex syncedWalPages(boolean last) throws IOException {
    FileChannel wal = files.wal();
    if (cursor.fresh() || cursor.offset() <= WalHeader.SIZE) {
      return PageIndex.empty();
    }
    WalReader reader = wal == null ? null : WalReader.open(wal).orElse(null);
    if (reader == null || !cursor.sameGeneration(reader.header())) {
      return PageIndex.empty();
    }
    var start = WalCursor.start(reader.header()).position();
    WalSegment seg = reader.scan(start, cursor.offset() - start.offset());
    if (seg.end().offset() == cursor.offset()) {
      return seg.pages();
    }
    if (!last) {
      return null;
    }
    throw new IOException(
        "the WAL of "
            + path
            + " no longer holds the synced frames up to offset "
            + cursor.offset()
            + "; retry the snapshot");
  }

  private void checkpointIfNeeded() throws IOException {
    if (snapshotPins.get() > 0) {
      return; // a snapshot is being read: keep the read lock (see DatabaseSnapshot)
    }
    if (cursor.fresh()) {
      return;
    }
    int frameSize = pageSize + 24;
    long frames = (cursor.offset() - WalHeader.SIZE) / frameSize;
    Optional<CheckpointMode> due =
        CheckpointSchedule.due(
            options, frames, syncedSinceCheckpoint, clock.millis() - lastCheckpointMillis);
    if (due.isPresent()) {
      checkpoint(due.get());
    }
  }

  /** Runs a checkpoint now (after syncing everything), e.g. on an application's request. */
  public synchronized void checkpoint(CheckpointMode mode) throws IOException {
    if (!initialized) {
      return;
    }
    if (snapshotPins.get() > 0) {
      LOG.atDebug()
          .addKeyValue("db", path)
          .log("checkpoint {} postponed while a snapshot is being read", mode);
      return;
    }
    lastCheckpointMillis = clock.millis();
    syncedSinceCheckpoint = false;
    // Bulk copy without any lock: a newer read mark lets it backfill what we have synced. The
    // older mark is let go only once the sync has reached the newer one (the hand-over).
    try {
      session.beginHandover();
      try {
        syncWal();
      } finally {
        session.endHandover();
      }
      session.checkpoint(CheckpointMode.PASSIVE);
      if (sealedCheckpoint() && mode == CheckpointMode.TRUNCATE) {
        truncateCheckpointedWal();
      }
    } finally {
      session.closeSpare(); // an idle database keeps one SQLite connection
    }
  }

  /**
   * Finishes a checkpoint under the write barrier: the WAL cannot grow, so its tail is synced, the
   * read transaction is let go (no writer can restart the WAL meanwhile, so this is not a gap), the
   * checkpoint backfills the rest and the read transaction is taken again. After a complete
   * checkpoint SQLite puts that reader on read mark 0 — it reads the database file only, which
   * blocks every later backfill — so the one WAL restart a writer may now do is recognised as
   * expected ({@link #expectedReset}) and no second one can happen before the next sync.
   *
   * @return true when every frame of the WAL was synced and checkpointed
   */
  private boolean sealedCheckpoint() throws IOException {
    if (!session.tryAcquireBarrier()) {
      LOG.atDebug()
          .addKeyValue("db", path)
          .log("application holds the write lock; checkpoint postponed");
      return false;
    }
    try {
      // Never a full file here (invariant 16, docs/invariants.md): that waits for the next sync,
      // without the barrier.
      if (!syncWal(false) || cursor.fresh()) {
        return false;
      }
      session.releaseReadLock();
      SqliteSession.CheckpointResult r;
      try {
        r = session.checkpoint(CheckpointMode.PASSIVE);
        // SQLITE_BUSY here means an application's own checkpoint is running (it holds the
        // checkpoint lock); it ends soon since no frame can be added. A few short retries are
        // far cheaper than letting the WAL grow until the next attempt.
        for (int i = 0; r.busy() && i < SEALED_CHECKPOINT_RETRIES; i++) {
          sleepBriefly();
          r = session.checkpoint(CheckpointMode.PASSIVE);
        }
      } finally {
        session.acquireReadLock();
      }
      boolean complete =
          r.complete()
              && WalHeader.SIZE + (long) r.logFrames() * (pageSize + 24) == cursor.offset();
      if (complete) {
        expectedReset = cursor;
        readerOnMarkZero = true;
      }
      LOG.atDebug().addKeyValue("db", path).log("checkpoint PASSIVE {}", r);
      return complete;
    } finally {
      session.releaseBarrier();
    }
  }

  private static void sleepBriefly() throws IOException {
    try {
      Thread.sleep(SEALED_CHECKPOINT_RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while retrying a checkpoint");
    }
  }

  /**
   * The emergency TRUNCATE, run right after a complete {@link #sealedCheckpoint()} and without
   * waiting for any lock. It cannot lose a frame: our reader sits on read mark 0, so if a writer
   * has started a new WAL generation since the barrier was released, SQLite cannot backfill it and
   * gives up without truncating (that generation is the expected reset); otherwise every frame in
   * the WAL was synced and checkpointed, and the WAL is emptied. Not waiting keeps the writers
   * unblocked: SQLite holds the write lock while a TRUNCATE checkpoint waits.
   */
  private void truncateCheckpointedWal() throws IOException {
    SqliteSession.CheckpointResult r = session.checkpointWithoutWaiting(CheckpointMode.TRUNCATE);
    FileChannel wal = files.wal();
    if (!r.busy() && (wal == null || wal.size() == 0)) {
      // The database file holds every synced page; any WAL that appears is a new generation.
      cursor = WalCursor.FRESH;
      expectedReset = null;
    }
    LOG.atInfo().addKeyValue("db", path).log("checkpoint TRUNCATE {}", r);
  }

  // ---------------------------------------------------------------------------------------------

  /** Forgets the replication state; the next sync rebuilds it from disk. Locks stay held. */
  private void resetState() {
    initialized = false;
    framePages = null;
    guardedSinceGaps = -1;
    stampsAtLastSync = null;
    checksum = null;
    cursor = null;
    expectedReset = null;
  }

  /**
   * Closes the replicator's connections (SQLite itself keeps the locks of other connections in this
   * process) and forgets descriptors of files that were replaced. The database file's descriptor
   * stays open while that file is still the database.
   */
  private void closeConnections() {
    resetState();
    if (session != null) {
      session.close();
      session = null;
    }
    try {
      files.filesReplaced();
    } catch (IOException e) {
      LOG.atDebug()
          .addKeyValue("db", path)
          .log("checking the database file's identity failed: {}", e.getMessage());
    }
  }

  /**
   * Releases the connections, then the descriptors (in that order: see the lock rule); a final
   * {@link #sync()} is the caller's choice.
   */
  @Override
  public synchronized void close() {
    closed = true;
    resetState();
    if (session != null) {
      session.close();
      session = null;
    }
    files.close();
  }
}
