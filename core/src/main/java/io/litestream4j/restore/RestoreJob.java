package io.litestream4j.restore;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreOptions.IntegrityCheck;
import io.litestream4j.RestorePlan;
import io.litestream4j.RestoreProgress;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.ltx.LtxApplier;
import io.litestream4j.ltx.LtxException;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ResumableInputStream;
import io.litestream4j.restore.v3.V3Catalog;
import io.litestream4j.restore.v3.V3Plan;
import io.litestream4j.restore.v3.V3Planner;
import io.litestream4j.restore.v3.V3ReplicaClient;
import io.litestream4j.restore.v3.V3Selection;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One restore from start to finish: plan, fetch, merge in a single sequential pass into {@code
 * <out>.tmp} (a pass per {@value #MAX_OPEN_FILES} files for longer plans; every file's checksum
 * verified while streaming; where files carry rolling checksums, continuity file to file and the
 * final database checksum), fsync, SQLite check, rename into place, directory fsync. Any failure
 * deletes every temporary and leaves an existing database untouched.
 *
 * <p>If a planned file vanishes from the replica meanwhile (retention deleting it, Litestream issue
 * 1307) the replica is listed again and the restore re-planned once; files already downloaded are
 * reused.
 */
public final class RestoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreJob.class);

  /**
   * Files merged in one pass. Each open file costs a descriptor and about 70 KiB of buffers, so a
   * plan of thousands of L0 files (a replica that is never compacted) is merged in passes of this
   * many files; any plan of at most this many files is written in a single pass.
   */
  static final int MAX_OPEN_FILES = 256;

  /** Re-plans after finding a corrupt or full file, at most this many times per restore. */
  private static final int MAX_REPLANS = 8;

  private final ReplicaClient client;
  private final String replica;
  private final RestoreOptions options;
  private final int maxOpenFiles;

  private RestoreJob(
      ReplicaClient client, String replica, RestoreOptions options, int maxOpenFiles) {
    this.client = client;
    this.replica = replica;
    this.options = options;
    this.maxOpenFiles = maxOpenFiles;
  }

  /**
   * Plans {@code target} on {@code client} ({@code replica} names it in messages).
   *
   * @throws RestoreException if the replica cannot rebuild the target
   */
  public static RestorePlan plan(ReplicaClient client, String replica, RestoreTarget target)
      throws IOException {
    client.init();
    Optional<V3Plan> v3 = v3Plan(client, replica, target);
    if (v3.isPresent()) {
      throw new RestoreException(
          Reason.TARGET_NOT_AVAILABLE,
          replica
              + " would be restored from its Litestream v0.3"
              + " backups ("
              + v3.get()
              + "); plans can only be shown for LTX backups: run the restore without -dry-run");
    }
    return planLtx(client, replica, target);
  }

  /** Plans {@code target} from the LTX files alone. */
  static RestorePlan planLtx(ReplicaClient client, String replica, RestoreTarget target)
      throws IOException {
    return plan(client, replica, target, Set.of(), Set.of());
  }

  /**
   * Plans from the LTX files without the {@code excluded} files (they failed verification),
   * starting from the {@code fullFiles} as well as from snapshots.
   */
  private static RestorePlan plan(
      ReplicaClient client,
      String replica,
      RestoreTarget target,
      Set<LtxFileInfo> excluded,
      Set<LtxFileInfo> fullFiles)
      throws IOException {
    client.init();
    try {
      return RestorePlanner.plan(catalog(client, target, excluded), target, replica, fullFiles);
    } catch (RestoreException e) {
      if (e.reason() != RestoreException.Reason.GAP) {
        throw e;
      }
      // A listing of a replica that is being written can miss a file published while it ran
      // (directory reads and paginated listings are not snapshots). A real gap is still there
      // when the replica is listed again.
      ReplicaCatalog again = catalog(client, target, excluded);
      try {
        return RestorePlanner.plan(again, target, replica, fullFiles);
      } catch (RestoreException gap) {
        if (gap.reason() != RestoreException.Reason.GAP) {
          throw gap;
        }
        // No snapshot reaches the target: a full file (the database was replaced, or its page
        // size changed, after the older files were lost) may still start a restore.
        return FullFileProbe.plan(client, again, target, replica, fullFiles).orElseThrow(() -> gap);
      }
    }
  }

  private static ReplicaCatalog catalog(
      ReplicaClient client, RestoreTarget target, Set<LtxFileInfo> excluded) throws IOException {
    ReplicaCatalog all = ReplicaCatalog.load(client, target.needsExactTimestamps());
    if (excluded.isEmpty()) {
      return all;
    }
    return new ReplicaCatalog(
        all.files().stream()
            .filter(f -> !excluded.contains(key(f)) && !excluded.contains(f))
            .toList());
  }

  /**
   * A file's identity independent of listing details (size, time) that may differ between listings.
   */
  private static LtxFileInfo key(LtxFileInfo f) {
    return new LtxFileInfo(f.level(), f.minTxid(), f.maxTxid(), 0, Instant.EPOCH);
  }

  /**
   * Runs a restore as {@code options} say: from the LTX files, or from Litestream v0.3 backups when
   * the client can read them and {@link V3Selection} prefers them.
   */
  public static RestoreResult run(ReplicaClient client, String replica, RestoreOptions options)
      throws IOException {
    client.init();
    Optional<V3Plan> v3 = v3Plan(client, replica, options.target());
    if (v3.isPresent()) {
      return V3RestoreJob.run((V3ReplicaClient) client, replica, options, v3.get());
    }
    return run(client, replica, options, MAX_OPEN_FILES);
  }

  /** Runs a restore from LTX files only (follow mode, which continues from a TXID). */
  public static RestoreResult runLtx(ReplicaClient client, String replica, RestoreOptions options)
      throws IOException {
    return run(client, replica, options, MAX_OPEN_FILES);
  }

  /**
   * The v0.3 plan to restore instead of the LTX files, if the client holds v0.3 backups that {@link
   * V3Selection} prefers for {@code target}.
   *
   * @throws RestoreException if the replica holds only v0.3 backups and they cannot be restored
   */
  static Optional<V3Plan> v3Plan(ReplicaClient client, String replica, RestoreTarget target)
      throws IOException {
    if (!(client instanceof V3ReplicaClient v3client)) {
      return Optional.empty();
    }
    V3Catalog v3 = V3Catalog.load(v3client);
    if (v3.isEmpty()) {
      return Optional.empty();
    }
    ReplicaCatalog ltx = ReplicaCatalog.load(client, target.needsExactTimestamps());
    if (ltx.isEmpty() || V3Selection.useV3(v3, ltx.files(), target)) {
      try {
        return Optional.of(V3Planner.plan(v3, target, replica));
      } catch (RestoreException e) {
        if (ltx.isEmpty()) {
          throw new RestoreException(
              e.reason(),
              replica
                  + " holds only Litestream v0.3 backups (generations/: "
                  + v3.describe()
                  + "), and they cannot be restored: "
                  + e.getMessage(),
              e);
        }
        LOG.atWarn()
            .addKeyValue("replica", replica)
            .log(
                "the Litestream v0.3 backups are newer than the LTX files but cannot be restored"
                    + " ({}); restoring from the LTX files",
                e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * {@link #run(ReplicaClient, String, RestoreOptions)} merging at most {@code maxOpenFiles} files
   * per pass.
   */
  static RestoreResult run(
      ReplicaClient client, String replica, RestoreOptions options, int maxOpenFiles)
      throws IOException {
    if (maxOpenFiles < 2) {
      throw new IllegalArgumentException(
          "a merge pass needs at least 2 files, got " + maxOpenFiles);
    }
    return new RestoreJob(client, replica, options, maxOpenFiles).run();
  }

  /**
   * A cancellation point: the steps before the rename that do not notice an interrupt by themselves
   * (the SQLite check, the rename) are not started for a restore that was asked to stop.
   */
  private static void stopIfInterrupted(OutputFile out) throws InterruptedIOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException(
          "restore interrupted before " + out.path() + " was put in place");
    }
  }

  private RestoreResult run() throws IOException {
    long started = System.nanoTime();
    OutputFile out = OutputFile.prepare(options.output(), options.force());
    StagingArea staging = null;
    Set<LtxFileInfo> excluded = new HashSet<>();
    Set<LtxFileInfo> fullFiles = new HashSet<>();
    List<String> skipped = new ArrayList<>();
    try {
      RestorePlan plan = planLtx(client, replica, options.target());
      Applied applied;
      boolean replanned = false;
      for (int attempt = 1; ; attempt++) {
        try {
          // A remote plan of several files is staged (see apply for the one file that is not); a
          // local file replica is read in place (staging would copy every byte once more).
          if (staging == null && plan.files().size() > 1 && !"file".equals(client.type())) {
            staging =
                StagingArea.in(
                    out.createStagingDir(),
                    client,
                    options.parallelism(),
                    options.retryPolicy(),
                    options.progress());
          }
          applied = apply(plan, out, staging);
          break;
        } catch (MergeFailure.FullFileFound found) {
          if (!fullFiles.add(found.file()) || attempt > MAX_REPLANS) {
            throw found.failure();
          }
          LOG.atInfo()
              .addKeyValue("db", out.path())
              .addKeyValue("replica", replica)
              .log(
                  "the page size changes at {}, which holds every page; restoring from it",
                  found.file().label());
          plan = plan(client, replica, options.target(), excluded, fullFiles);
        } catch (MergeFailure.CorruptFile corrupt) {
          if (!excluded.add(key(corrupt.file())) || attempt > MAX_REPLANS) {
            throw corrupt.failure();
          }
          String file = corrupt.file().label();
          LOG.atWarn()
              .addKeyValue("db", out.path())
              .addKeyValue("replica", replica)
              .log(
                  "{} failed verification ({}); planning the restore around it",
                  file,
                  corrupt.problem());
          skipped.add(file);
          // The way around a damaged file must still reach what was asked for: a latest restore
          // that quietly ended at an older TXID would lose the newest transactions (and a
          // replicator
          // started on that database would then make the older state the replica's latest).
          RestoreTarget around =
              options.target() instanceof RestoreTarget.Latest
                  ? RestoreTarget.txid(plan.maxTxid())
                  : options.target();
          try {
            plan = plan(client, replica, around, excluded, fullFiles);
          } catch (RestoreException e) {
            throw new RestoreException(
                Reason.CORRUPT_REPLICA,
                file
                    + " on "
                    + replica
                    + " failed verification ("
                    + corrupt.problem()
                    + ") and no intact set of files reaches "
                    + (options.target() instanceof RestoreTarget.Latest
                        ? "the latest state, " + around + ","
                        : around)
                    + " without it ("
                    + e.getMessage()
                    + "), so nothing was written to "
                    + out.path()
                    + "; restore an earlier point"
                    + " with -txid/-timestamp, or replace "
                    + file
                    + " with an intact copy",
                e);
          }
        } catch (IOException e) {
          Optional<LtxFileNotFoundException> vanished = vanished(e);
          if (vanished.isEmpty()) {
            throw e;
          }
          LtxFileNotFoundException gone = vanished.get();
          String file =
              "L" + gone.level() + "/" + LtxFileName.format(gone.minTxid(), gone.maxTxid());
          if (replanned) {
            throw new RestoreException(
                Reason.REPLICA_CHANGED,
                "cannot restore to "
                    + out.path()
                    + ": "
                    + file
                    + " vanished from "
                    + replica
                    + " while restoring, even after re-planning (is retention or"
                    + " compaction deleting files right now?); run the restore again",
                e);
          }
          replanned = true;
          LOG.atWarn()
              .addKeyValue("db", out.path())
              .addKeyValue("replica", replica)
              .log(
                  "{} vanished during the restore (deleted by retention?); listing the replica"
                      + " again",
                  file);
          plan = plan(client, replica, options.target(), excluded, fullFiles);
        }
      }
      if (!skipped.isEmpty()) {
        LOG.atWarn()
            .addKeyValue("db", out.path())
            .addKeyValue("replica", replica)
            .log(
                "restored without the corrupt file(s) {}: remove or replace them on the replica",
                skipped);
      }
      stopIfInterrupted(out);
      IntegrityCheck check =
          applied.checksumsVerified()
              ? options.integrityCheck()
              : options.integrityCheck().atLeast(IntegrityCheck.QUICK);
      SqliteCheck.require(
          out,
          check,
          "the database restored from " + replica + " to TXID " + Txid.format(applied.txid()),
          options.progress());
      stopIfInterrupted(out);
      out.publish();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      LOG.atInfo()
          .addKeyValue("db", out.path())
          .addKeyValue("replica", replica)
          .addKeyValue("txid", Txid.format(applied.txid()))
          .log(
              "restored ({} files, {} bytes) in {} ms",
              plan.files().size(),
              plan.totalBytes(),
              took.toMillis());
      return new RestoreResult(
          out.path(),
          applied.txid(),
          Instant.ofEpochMilli(applied.timestamp()),
          plan,
          took,
          check,
          applied.checksumsVerified());
    } catch (IOException | RuntimeException | Error e) {
      out.discard(e);
      throw e;
    } finally {
      if (staging != null) {
        staging.close();
      }
    }
  }

  /** What the merge produced. */
  private record Applied(long txid, long timestamp, boolean checksumsVerified) {}

  private Applied apply(RestorePlan plan, OutputFile out, @Nullable StagingArea staging)
      throws IOException {
    List<LtxFileInfo> files = plan.files();
    long total = plan.totalBytes();
    // The largest file (usually the snapshot, which holds every page) is streamed into the merge:
    // the merge reads it from start to end at its own pace, so its connection never idles, and a
    // second copy of most of the replica on disk is avoided. The others are staged first.
    LtxFileInfo streamed = largest(files);
    // The streamed file's request goes out while the others download, if the first batch reads it.
    EarlyStream early =
        staging == null || files.indexOf(streamed) >= maxOpenFiles
            ? null
            : EarlyStream.start(
                () -> ResumableInputStream.open(client, streamed, options.retryPolicy()));
    try {
      return apply(plan, out, staging, streamed, early, total);
    } finally {
      if (early != null) {
        early.close();
      }
    }
  }

  private Applied apply(
      RestorePlan plan,
      OutputFile out,
      @Nullable StagingArea staging,
      LtxFileInfo streamed,
      @Nullable EarlyStream early,
      long total)
      throws IOException {
    List<LtxFileInfo> files = plan.files();
    AtomicLong consumed = new AtomicLong();
    List<@Nullable Path> local = staging == null ? null : staging.fetchAllBut(files, streamed);
    options.progress().update(RestoreProgress.Phase.APPLY, 0, total);
    boolean strict = plan.overlaps() == 0;
    boolean fromFullFile = files.getFirst().minTxid() > 1;
    LtxApplier applier = null;
    boolean checksums = true;
    try (FileChannel ch = out.openTemp()) {
      for (int from = 0; from < files.size(); from += maxOpenFiles) {
        List<LtxFileInfo> batch = files.subList(from, Math.min(files.size(), from + maxOpenFiles));
        List<PlanInput> inputs =
            open(
                batch,
                local == null ? null : local.subList(from, from + batch.size()),
                from == 0 ? early : null,
                consumed,
                total);
        try {
          if (applier == null) {
            applier = fromFullFile ? LtxApplier.createFromFullFile(ch) : LtxApplier.create(ch);
          }
          if (strict) {
            applier.applyMerged(inputs);
          } else {
            applier.applyMergedAcrossOverlaps(inputs);
          }
        } catch (LtxException | IndexOutOfBoundsException e) {
          throw MergeFailure.explain(
              e, plan, batch, inputs, replica, out.path(), client, options.retryPolicy());
        } catch (IOException e) {
          if (isOutputError(e, ch)) {
            throw out.unwritable("cannot write " + out.temp(), e);
          }
          throw e;
        }
        checksums &= checkHeaders(inputs, out);
      }
      try {
        ch.force(true);
      } catch (IOException e) {
        throw out.unwritable("cannot write " + out.temp(), e);
      }
    }
    return new Applied(applier.txid(), applier.timestamp(), checksums);
  }

  private static LtxFileInfo largest(List<LtxFileInfo> files) {
    LtxFileInfo max = files.getFirst();
    for (LtxFileInfo f : files) {
      if (f.size() > max.size()) {
        max = f;
      }
    }
    return max;
  }

  /**
   * Opens one batch of plan files: staged copies, or resumable downloads for the files that are not
   * staged (the streamed one already opened, if {@code early} is given: only it is not staged).
   */
  private List<PlanInput> open(
      List<LtxFileInfo> batch,
      @Nullable List<@Nullable Path> local,
      @Nullable EarlyStream early,
      AtomicLong consumed,
      long total)
      throws IOException {
    RestoreProgress progress = options.progress();
    List<PlanInput> inputs = new ArrayList<>(batch.size());
    try {
      for (int i = 0; i < batch.size(); i++) {
        LtxFileInfo f = batch.get(i);
        Path staged = local == null ? null : local.get(i);
        InputStream raw =
            staged != null
                ? Files.newInputStream(staged)
                : early != null
                    ? early.take()
                    : ResumableInputStream.open(client, f, options.retryPolicy());
        inputs.add(
            new PlanInput(
                f,
                raw,
                n -> progress.update(RestoreProgress.Phase.APPLY, consumed.addAndGet(n), total)));
      }
      return inputs;
    } catch (IOException | RuntimeException e) {
      for (PlanInput in : inputs) {
        closeQuietly(in, e);
      }
      throw e;
    }
  }

  /** Checks each applied file's header against its name; true if all of them track checksums. */
  private boolean checkHeaders(List<PlanInput> inputs, OutputFile out) throws IOException {
    boolean checksums = true;
    for (PlanInput in : inputs) {
      LtxHeader h = in.header();
      LtxFileInfo f = in.file();
      if (h.minTxid() != f.minTxid() || h.maxTxid() != f.maxTxid()) {
        throw new RestoreException(
            Reason.CORRUPT_REPLICA,
            f.label()
                + " on "
                + replica
                + " holds TXIDs "
                + Txid.format(h.minTxid())
                + "-"
                + Txid.format(h.maxTxid())
                + " according to its header: the file is misnamed; nothing was written to "
                + out.path());
      }
      checksums &= h.hasChecksums();
    }
    return checksums;
  }

  /**
   * True when {@code e} came from writing the output (disk full, I/O error), not from the replica.
   */
  private static boolean isOutputError(IOException e, FileChannel ch) {
    String m = String.valueOf(e.getMessage());
    return m.contains("No space left on device")
        || m.contains("Disk quota exceeded")
        || (e instanceof java.nio.file.FileSystemException && ch.isOpen());
  }

  private static Optional<LtxFileNotFoundException> vanished(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LtxFileNotFoundException gone) {
        return Optional.of(gone);
      }
    }
    return Optional.empty();
  }

  private static void closeQuietly(InputStream in, Throwable primary) {
    try {
      in.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
