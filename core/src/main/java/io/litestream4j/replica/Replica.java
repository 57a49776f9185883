package io.litestream4j.replica;

import io.litestream4j.db.Baseline;
import io.litestream4j.db.BaselineSource;
import io.litestream4j.db.LocalL0Files;
import io.litestream4j.db.Position;
import io.litestream4j.internal.FailureBackoff;
import io.litestream4j.internal.WorkPermits;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.ltx.Txid;
import io.litestream4j.restore.ReplicaCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships a database's local L0 files to its replica, in TXID order, from its own named virtual
 * thread (free while it waits; each upload burst holds one of the shared {@link WorkPermits}).
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>The replica's L0 level grows by exactly the next TXID each time; a file is uploaded only
 *       after every lower TXID is on the replica.
 *   <li>{@link #replicatedTxid()} only moves forward, and only after the backend acknowledged the
 *       write: it is what {@link #awaitReplicated} waits on.
 *   <li>The upload position is re-derived from the replica after any error, so a partially failed
 *       upload is simply repeated.
 *   <li>Failures are retried with exponential backoff (sync interval doubling up to 5 minutes),
 *       logged once per burst, with a line when uploads recover.
 * </ul>
 *
 * <p>Every file is uploaded as soon as the database has written it; the cadence of files (at most
 * one per sync interval) is set where they are produced, by the database monitor. The sync interval
 * here only sets the base of the retry backoff.
 */
public final class Replica implements BaselineSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replica.class);

  /** At most one predecessor check (one listing) per this many nanoseconds. */
  private static final long PREDECESSOR_CHECK_NANOS = Duration.ofSeconds(5).toNanos();

  private final ReplicaClient client;
  private final Duration syncInterval;
  private final String name;
  private final WorkPermits permits;
  private @Nullable LocalL0Files local;

  /** Told when a local file the replica needs is gone: the database must re-base on the replica. */
  private volatile Runnable onLocalFileLost = () -> {};

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long localTxid;

  /** The highest TXID known to be on the replica; -1 when it must be re-read from the replica. */
  private long replicatedTxid = -1;

  private long acknowledgedTxid;
  private boolean stopping;
  private boolean abandon;

  /**
   * The thread inside {@link #shutdown}'s final uploads, interrupted by {@link
   * #abandonShutdownSync}.
   */
  private @Nullable Thread finalUploader;

  private @Nullable IOException lastError;
  private @Nullable Thread thread;
  private volatile Consumer<String> onBaseChange = reason -> {};
  // Upload-thread state (uploadPending is only ever run by one thread at a time).
  private int lastPageSize;
  private long lastUploaded;
  private long lastPredecessorCheck = System.nanoTime() - PREDECESSOR_CHECK_NANOS;

  /**
   * Local sync TXIDs not yet on the replica, with the wall-clock time they were written locally.
   */
  private final ConcurrentSkipListMap<Long, Long> pendingSince = new ConcurrentSkipListMap<>();

  private volatile long lastUploadMillis;

  public Replica(ReplicaClient client, Duration syncInterval, String name) {
    this(client, syncInterval, name, WorkPermits.unbounded());
  }

  /**
   * As {@link #Replica(ReplicaClient, Duration, String)}, each upload burst holding one of {@code
   * permits}.
   */
  public Replica(ReplicaClient client, Duration syncInterval, String name, WorkPermits permits) {
    this.permits = permits;
    this.client = client;
    this.syncInterval = syncInterval;
    this.name = name;
  }

  public ReplicaClient client() {
    return client;
  }

  /** Attaches the local files this replica uploads and starts the upload thread. */
  public void start(LocalL0Files local) {
    this.local = local;
    thread = Thread.ofVirtual().name("l4j-upload-" + name).start(this::run);
  }

  /**
   * Told (on the upload thread) when the replica needs a new snapshot at once: an uploaded file's
   * predecessor is gone from the replica (it was wiped or cleaned behind our back), or the
   * database's page size changed. The argument says why; the listener must not block.
   */
  public void onBaseChange(Consumer<String> listener) {
    this.onBaseChange = listener;
  }

  /**
   * Told (on the upload thread) when a local L0 file the replica has not got yet is gone and no
   * replica file covers it: the database must rebuild its state from the replica's newest one. The
   * upload fails and is retried afterwards. The listener must not block.
   */
  public void onLocalFileLost(Runnable listener) {
    this.onLocalFileLost = listener;
  }

  /** Called by the database after each sync (on its thread); never blocks for long. */
  public void onSynced(Position p) {
    lock.lock();
    try {
      if (p.txid() < localTxid) {
        // The database re-based on the replica (a local file was lost, or the local state did not
        // continue the replica): the TXIDs above are gone locally and will be written anew.
        pendingSince.tailMap(p.txid(), false).clear();
        replicatedTxid = -1;
      }
      localTxid = p.txid();
      if (p.txid() > acknowledgedTxid) {
        pendingSince.putIfAbsent(p.txid(), System.currentTimeMillis());
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The highest TXID the replica has acknowledged. */
  public long replicatedTxid() {
    lock.lock();
    try {
      return acknowledgedTxid;
    } finally {
      lock.unlock();
    }
  }

  /**
   * When the oldest transaction that is synced locally but not yet on the replica was written to
   * the local state directory (epoch millis); empty when the replica is caught up. The basis of the
   * replication-lag metric.
   */
  public OptionalLong oldestPendingMillis() {
    var first = pendingSince.firstEntry();
    return first == null ? OptionalLong.empty() : OptionalLong.of(first.getValue());
  }

  /** When the backend last acknowledged an uploaded file (epoch millis); empty before the first. */
  public OptionalLong lastUploadMillis() {
    long t = lastUploadMillis;
    return t == 0 ? OptionalLong.empty() : OptionalLong.of(t);
  }

  /** The most recent upload error, cleared when uploads succeed again. */
  public Optional<IOException> lastError() {
    lock.lock();
    try {
      return Optional.ofNullable(lastError);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the replica holds {@code txid}.
   *
   * @throws TimeoutException when it does not within {@code timeout}; the message carries the last
   *     upload error, if any
   */
  public void awaitReplicated(long txid, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (acknowledgedTxid < txid) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "TXID "
                  + Txid.format(txid)
                  + " not on replica "
                  + name
                  + " after "
                  + timeout
                  + " (replica has "
                  + Txid.format(acknowledgedTxid)
                  + ")"
                  + (lastError == null ? "" : "; last upload error: " + lastError.getMessage()));
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public Optional<Baseline> latest() throws IOException {
    LtxFileInfo newest = null;
    for (List<LtxFileInfo> level : ReplicaCatalog.listLevels(client, false)) {
      for (LtxFileInfo f : level) {
        if (newest == null || f.maxTxid() > newest.maxTxid()) {
          newest = f;
        }
      }
    }
    if (newest == null) {
      return Optional.empty();
    }
    return Optional.of(new Baseline(newest.maxTxid(), readPostApplyChecksum(newest)));
  }

  private long readPostApplyChecksum(LtxFileInfo f) throws IOException {
    try (InputStream in =
        client.openLtxFile(
            f.level(),
            f.minTxid(),
            f.maxTxid(),
            Math.max(0, f.size() - LtxTrailer.SIZE),
            LtxTrailer.SIZE)) {
      byte[] b = in.readNBytes(LtxTrailer.SIZE);
      if (b.length != LtxTrailer.SIZE) {
        throw new IOException("replica file " + f + " is truncated");
      }
      return ByteBuffer.wrap(b).getLong(0);
    }
  }

  /**
   * Where L0 uploads continue: the highest TXID on the replica's L0. Snapshots and compacted files
   * may be ahead of it (a snapshot is taken from the local state), but L0 stays contiguous; TXIDs
   * that only other levels hold are skipped in {@link #uploadPending} when no local copy exists.
   */
  private long fetchReplicaTxid() throws IOException {
    long max = 0;
    for (LtxFileInfo f : client.ltxFiles(LtxFileInfo.L0, 1)) {
      max = Math.max(max, f.maxTxid());
    }
    return max;
  }

  // ---------------------------------------------------------------------------------------------

  private void run() {
    FailureBackoff backoff = new FailureBackoff(syncInterval);
    while (true) {
      lock.lock();
      try {
        if (backoff.delayMillis() > 0) {
          awaitStopOr(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff.delayMillis()));
        } else {
          while (!stopping && localTxid <= acknowledgedTxid) {
            changed.await();
          }
        }
        if (stopping) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      try (WorkPermits.Permit p = permits.acquire()) {
        uploadPending();
        int failures = backoff.succeeded();
        if (failures > 0) {
          LOG.atInfo()
              .addKeyValue("db", name)
              .addKeyValue("replica", client.type())
              .log("uploads recovered after {} failed attempts", failures);
        }
      } catch (IOException | RuntimeException e) {
        IOException io = e instanceof IOException ioe ? ioe : new IOException(e.toString(), e);
        lock.lock();
        try {
          lastError = io;
          replicatedTxid = -1;
        } finally {
          lock.unlock();
        }
        if (backoff.failed()) {
          LOG.atError()
              .addKeyValue("db", name)
              .addKeyValue("replica", client.type())
              .log("upload failed; retrying with backoff: {}", e.getMessage());
        }
      }
    }
  }

  /** Waits (holding {@link #lock}) until {@code deadlineNanos} or until stopping. */
  private void awaitStopOr(long deadlineNanos) throws InterruptedException {
    long left;
    while (!stopping && (left = deadlineNanos - System.nanoTime()) > 0) {
      changed.awaitNanos(left);
    }
  }

  /**
   * Uploads every local L0 file above the replica's position.
   *
   * @return the replica's TXID afterwards
   */
  public long uploadPending() throws IOException {
    long pos;
    long target;
    lock.lock();
    try {
      pos = replicatedTxid;
      target = localTxid;
    } finally {
      lock.unlock();
    }
    if (pos < 0) {
      pos = fetchReplicaTxid();
      long acknowledged = replicatedTxid();
      if (pos < acknowledged) {
        baseLost(
            "the replica's L0 ends at TXID "
                + Txid.format(pos)
                + " but TXID "
                + Txid.format(acknowledged)
                + " was uploaded before");
      }
      lastPageSize = pos > 0 ? pageSizeOnReplica(pos) : 0;
      lastUploaded = 0;
      setReplicated(pos);
    }
    target = Math.max(target, local.newestTxid());
    while (pos < target) {
      long next = pos + 1;
      try (InputStream in = local.open(next)) {
        LtxHeaderPeek peek = LtxHeaderPeek.read(in, 0, next, next);
        int pageSize = peek.header().pageSize();
        if (lastPageSize != 0 && pageSize != lastPageSize) {
          LOG.atWarn()
              .addKeyValue("db", name)
              .addKeyValue("replica", client.type())
              .addKeyValue("txid", Txid.format(next))
              .log(
                  "the database's page size changed from {} to {}; a new snapshot follows",
                  lastPageSize,
                  pageSize);
          onBaseChange.accept(
              "the database's page size changed from "
                  + lastPageSize
                  + " to "
                  + pageSize
                  + " at TXID "
                  + Txid.format(next));
        }
        client.writeLtxFile(0, next, next, peek.stream());
        lastPageSize = pageSize;
      } catch (NoSuchFileException e) {
        // A snapshot or compacted file may already cover it (e.g. after local state was lost).
        long covered = latest().map(Baseline::txid).orElse(0L);
        if (covered >= next) {
          pos = covered;
          setReplicated(pos);
          continue;
        }
        onLocalFileLost.run();
        throw new IOException(
            "local L0 file for TXID "
                + Txid.format(next)
                + " is missing ("
                + local.path(next)
                + "); re-basing the database on the replica",
            e);
      }
      checkPredecessor(next);
      lastUploaded = next;
      pos = next;
      lastUploadMillis = System.currentTimeMillis();
      setReplicated(pos);
    }
    return pos;
  }

  /**
   * After uploading {@code txid} right after our own upload of {@code txid - 1}, checks (at most
   * every few seconds, one listing) that {@code txid - 1} is still on the replica: when it is gone,
   * the replica was wiped or cleaned behind our back and the new files continue nothing.
   */
  private void checkPredecessor(long txid) throws IOException {
    if (txid <= 1
        || lastUploaded != txid - 1
        || System.nanoTime() - lastPredecessorCheck < PREDECESSOR_CHECK_NANOS) {
      return;
    }
    lastPredecessorCheck = System.nanoTime();
    boolean present =
        client.ltxFiles(LtxFileInfo.L0, txid - 1).stream()
            .anyMatch(f -> f.minTxid() <= txid - 1 && f.maxTxid() >= txid - 1);
    if (!present) {
      baseLost(
          "L0/"
              + io.litestream4j.ltx.LtxFileName.format(txid - 1, txid - 1)
              + ", uploaded just before L0/"
              + io.litestream4j.ltx.LtxFileName.format(txid, txid)
              + ", is gone");
    }
  }

  private void baseLost(String what) {
    LOG.atError()
        .addKeyValue("db", name)
        .addKeyValue("replica", client.type())
        .log(
            "files vanished from the replica: {}; was it wiped or cleaned by a lifecycle rule?"
                + " Until a new snapshot is written it cannot be restored; writing one now",
            what);
    onBaseChange.accept("files vanished from the replica (" + what + ")");
  }

  /**
   * The page size recorded in the header of the replica's L0 file {@code txid}; 0 if unreadable.
   */
  private int pageSizeOnReplica(long txid) {
    try (InputStream in = client.openLtxFile(LtxFileInfo.L0, txid, txid, 0, LtxHeader.SIZE)) {
      return LtxHeader.decodeUnvalidated(in.readNBytes(LtxHeader.SIZE)).pageSize();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private void setReplicated(long txid) {
    lock.lock();
    try {
      replicatedTxid = txid;
      if (txid > acknowledgedTxid) {
        acknowledgedTxid = txid;
      }
      pendingSince.headMap(acknowledgedTxid, true).clear();
      lastError = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the upload thread after trying, for up to {@code timeout}, to upload everything the
   * database has synced (retrying every {@code retryInterval}). {@link #abandonShutdownSync()} from
   * another thread ends the wait early.
   *
   * @return true when the replica holds everything that was synced
   */
  public boolean shutdown(Duration timeout, Duration retryInterval) {
    lock.lock();
    try {
      stopping = true;
      finalUploader = Thread.currentThread();
      if (abandon && thread != null) {
        thread.interrupt(); // abandoned before the shutdown began: do not wait for an upload in
        // flight
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      return finalUploads(timeout, retryInterval);
    } finally {
      lock.lock();
      try {
        finalUploader = null;
        if (abandon) {
          Thread.interrupted(); // the interrupt was ours, to cut an upload short; it ends here
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean finalUploads(Duration timeout, Duration retryInterval) {
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        if (!abandonRequested()) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (local == null) {
      return true;
    }
    if (abandonRequested()) {
      boolean complete = replicatedTxid() >= local.newestTxid();
      if (!complete) {
        LOG.atWarn()
            .addKeyValue("db", name)
            .addKeyValue("replica", client.type())
            .addKeyValue("txid", io.litestream4j.ltx.Txid.format(replicatedTxid()))
            .log("shutting down with TXIDs above the replica's not uploaded");
      }
      return complete;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastFailure = null; // each different failure is logged once, not every retry
    while (true) {
      try {
        lock.lock();
        try {
          replicatedTxid = -1;
        } finally {
          lock.unlock();
        }
        long at = uploadPending();
        if (at >= local.newestTxid()) {
          return true;
        }
      } catch (IOException | RuntimeException e) {
        if (!java.util.Objects.equals(e.getMessage(), lastFailure)) {
          lastFailure = e.getMessage();
          LOG.atWarn()
              .addKeyValue("db", name)
              .addKeyValue("replica", client.type())
              .log("final upload failed (retrying until the shutdown timeout): {}", lastFailure);
        }
      }
      if (abandonRequested() || System.nanoTime() + retryInterval.toNanos() > deadline) {
        LOG.atWarn()
            .addKeyValue("db", name)
            .addKeyValue("replica", client.type())
            .addKeyValue("txid", io.litestream4j.ltx.Txid.format(replicatedTxid()))
            .log("shutting down with TXIDs above the replica's not uploaded");
        return false;
      }
      try {
        Thread.sleep(retryInterval);
      } catch (InterruptedException e) {
        if (!abandonRequested()) {
          Thread.currentThread().interrupt();
        }
        return false;
      }
    }
  }

  /**
   * Ends a {@link #shutdown} wait early (a second interrupt signal): uploads in flight are
   * cancelled by interrupting the threads that run them, so a stalled backend cannot hold the exit
   * up.
   */
  public void abandonShutdownSync() {
    lock.lock();
    try {
      abandon = true;
      if (thread != null) {
        thread.interrupt();
      }
      if (finalUploader != null) {
        finalUploader.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean abandonRequested() {
    lock.lock();
    try {
      return abandon;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    shutdown(Duration.ZERO, Duration.ofMillis(1));
    client.close();
  }
}
