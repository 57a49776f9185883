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
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One restore from start to finish: plan, fetch, merge in a single sequential pass into
 * {@code <out>.tmp} (a pass per {@value #MAX_OPEN_FILES} files for longer plans; every file's
 * checksum verified while streaming; where files carry rolling checksums, continuity file to file
 * and the final database checksum), fsync, SQLite check,
 * rename into place, directory fsync. Any failure deletes every temporary and leaves an existing
 * database untouched.
 *
 * <p>If a planned file vanishes from the replica meanwhile (retention deleting it, Litestream
 * issue 1307) the replica is listed again and the restore re-planned once; files already
 * downloaded are reused.
 */
public final class RestoreJob {
  private static final Logger log = LoggerFactory.getLogger(RestoreJob.class);
  /**
   * Files merged in one pass. Each open file costs a descriptor and about 70 KiB of buffers, so a
   * plan of thousands of L0 files (a replica that is never compacted) is merged in passes of this
   * many files; any plan of at most this many files is written in a single pass.
   */
  static final int MAX_OPEN_FILES = 256;
  private static final Pattern INPUT = Pattern.compile("input #(\\d+) \\(([0-9a-f]{16}-[0-9a-f]{16}\\.ltx)\\)");

  private final ReplicaClient client;
  private final String replica;
  private final RestoreOptions options;
  private final int maxOpenFiles;

  private RestoreJob(ReplicaClient client, String replica, RestoreOptions options, int maxOpenFiles) {
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
  public static RestorePlan plan(ReplicaClient client, String replica, RestoreTarget target) throws IOException {
    client.init();
    Optional<V3Plan> v3 = v3Plan(client, replica, target);
    if (v3.isPresent()) {
      throw new RestoreException(Reason.TARGET_NOT_AVAILABLE, replica + " would be restored from its Litestream v0.3"
          + " backups (" + v3.get() + "); plans can only be shown for LTX backups: run the restore without -dry-run");
    }
    return planLtx(client, replica, target);
  }

  /** Plans {@code target} from the LTX files alone. */
  static RestorePlan planLtx(ReplicaClient client, String replica, RestoreTarget target) throws IOException {
    client.init();
    try {
      return RestorePlanner.plan(ReplicaCatalog.load(client, target.needsExactTimestamps()), target, replica);
    } catch (RestoreException e) {
      if (e.reason() != RestoreException.Reason.GAP) {
        throw e;
      }
      // A listing of a replica that is being written can miss a file published while it ran
      // (directory reads and paginated listings are not snapshots). A real gap is still there
      // when the replica is listed again.
      return RestorePlanner.plan(ReplicaCatalog.load(client, target.needsExactTimestamps()), target, replica);
    }
  }

  /**
   * Runs a restore as {@code options} say: from the LTX files, or from Litestream v0.3 backups
   * when the client can read them and {@link V3Selection} prefers them.
   */
  public static RestoreResult run(ReplicaClient client, String replica, RestoreOptions options) throws IOException {
    client.init();
    Optional<V3Plan> v3 = v3Plan(client, replica, options.target());
    if (v3.isPresent()) {
      return V3RestoreJob.run((V3ReplicaClient) client, replica, options, v3.get());
    }
    return run(client, replica, options, MAX_OPEN_FILES);
  }

  /** Runs a restore from LTX files only (follow mode, which continues from a TXID). */
  public static RestoreResult runLtx(ReplicaClient client, String replica, RestoreOptions options) throws IOException {
    return run(client, replica, options, MAX_OPEN_FILES);
  }

  /**
   * The v0.3 plan to restore instead of the LTX files, if the client holds v0.3 backups that
   * {@link V3Selection} prefers for {@code target}.
   *
   * @throws RestoreException if the replica holds only v0.3 backups and they cannot be restored
   */
  static Optional<V3Plan> v3Plan(ReplicaClient client, String replica, RestoreTarget target) throws IOException {
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
          throw new RestoreException(e.reason(), replica + " holds only Litestream v0.3 backups (generations/: "
              + v3.describe() + "), and they cannot be restored: " + e.getMessage(), e);
        }
        log.warn("the Litestream v0.3 backups on {} are newer than its LTX files but cannot be restored ({});"
            + " restoring from the LTX files", replica, e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** {@link #run(ReplicaClient, String, RestoreOptions)} merging at most {@code maxOpenFiles} files per pass. */
  static RestoreResult run(ReplicaClient client, String replica, RestoreOptions options, int maxOpenFiles)
      throws IOException {
    if (maxOpenFiles < 2) {
      throw new IllegalArgumentException("a merge pass needs at least 2 files, got " + maxOpenFiles);
    }
    return new RestoreJob(client, replica, options, maxOpenFiles).run();
  }

  private RestoreResult run() throws IOException {
    long started = System.nanoTime();
    OutputFile out = OutputFile.prepare(options.output(), options.force());
    StagingArea staging = null;
    try {
      RestorePlan plan = planLtx(client, replica, options.target());
      Applied applied;
      for (int attempt = 1; ; attempt++) {
        try {
          // Parallel downloads pay off for remote replicas; a local file replica is read in place
          // (staging would copy every byte once more).
          if (staging == null && options.parallelism() > 1 && plan.files().size() > 1
              && !"file".equals(client.type())) {
            staging = StagingArea.in(out.createStagingDir(), client, options.parallelism(), options.retryPolicy(),
                options.progress());
          }
          applied = apply(plan, out, staging);
          break;
        } catch (IOException e) {
          Optional<LtxFileNotFoundException> vanished = vanished(e);
          if (vanished.isEmpty()) {
            throw e;
          }
          LtxFileNotFoundException gone = vanished.get();
          String file = "L" + gone.level() + "/" + LtxFileName.format(gone.minTxid(), gone.maxTxid());
          if (attempt > 1) {
            throw new RestoreException(Reason.REPLICA_CHANGED, "cannot restore to " + out.path() + ": " + file
                + " vanished from " + replica + " while restoring, even after re-planning (is retention or"
                + " compaction deleting files right now?); run the restore again", e);
          }
          log.warn("{} vanished from {} during the restore (deleted by retention?); listing the replica again",
              file, replica);
          plan = planLtx(client, replica, options.target());
        }
      }
      IntegrityCheck check = applied.checksumsVerified()
          ? options.integrityCheck() : options.integrityCheck().atLeast(IntegrityCheck.QUICK);
      if (check != IntegrityCheck.NONE) {
        options.progress().update(RestoreProgress.Phase.CHECK, 0, 1);
        Optional<String> problems = SqliteCheck.run(out.temp(), check);
        if (problems.isPresent()) {
          throw new RestoreException(Reason.INTEGRITY_CHECK_FAILED, "the database restored from " + replica
              + " to TXID " + Txid.format(applied.txid()) + " failed PRAGMA " + check.flagValue() + "_check: "
              + problems.get() + "; nothing was written to " + out.path());
        }
        options.progress().update(RestoreProgress.Phase.CHECK, 1, 1);
      }
      out.publish();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      log.info("restored {} to TXID {} from {} ({} files, {} bytes) in {} ms", out.path(), Txid.format(applied.txid()),
          replica, plan.files().size(), plan.totalBytes(), took.toMillis());
      return new RestoreResult(out.path(), applied.txid(), Instant.ofEpochMilli(applied.timestamp()), plan, took,
          check, applied.checksumsVerified());
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

  private Applied apply(RestorePlan plan, OutputFile out, StagingArea staging) throws IOException {
    List<LtxFileInfo> files = plan.files();
    long total = plan.totalBytes();
    AtomicLong consumed = new AtomicLong();
    List<Path> local = staging == null ? null : staging.fetch(files);
    options.progress().update(RestoreProgress.Phase.APPLY, 0, total);
    boolean strict = plan.overlaps() == 0;
    LtxApplier applier = null;
    boolean checksums = true;
    try (FileChannel ch = out.openTemp()) {
      for (int from = 0; from < files.size(); from += maxOpenFiles) {
        List<LtxFileInfo> batch = files.subList(from, Math.min(files.size(), from + maxOpenFiles));
        List<PlanInput> inputs = open(batch, local == null ? null : local.subList(from, from + batch.size()),
            consumed, total);
        try {
          if (applier == null) {
            applier = strict ? LtxApplier.restore(inputs, ch) : LtxApplier.restoreAcrossOverlaps(inputs, ch);
          } else if (strict) {
            applier.applyMerged(inputs);
          } else {
            applier.applyMergedAcrossOverlaps(inputs);
          }
        } catch (LtxException e) {
          throw new RestoreException(Reason.CORRUPT_REPLICA, "the files on " + replica + " failed verification"
              + " while restoring to TXID " + Txid.format(plan.maxTxid()) + ", so nothing was written to "
              + out.path() + ": " + nameInputs(e.getMessage(), batch), e);
        }
        checksums &= checkHeaders(inputs, out);
      }
      ch.force(true);
    }
    return new Applied(applier.txid(), applier.timestamp(), checksums);
  }

  /** Opens one batch of plan files: staged copies, or resumable downloads when nothing is staged. */
  private List<PlanInput> open(List<LtxFileInfo> batch, List<Path> local, AtomicLong consumed, long total)
      throws IOException {
    RestoreProgress progress = options.progress();
    List<PlanInput> inputs = new ArrayList<>(batch.size());
    try {
      for (int i = 0; i < batch.size(); i++) {
        LtxFileInfo f = batch.get(i);
        InputStream raw = local == null
            ? ResumableInputStream.open(client, f, options.retryPolicy())
            : Files.newInputStream(local.get(i));
        inputs.add(new PlanInput(f, raw,
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
        throw new RestoreException(Reason.CORRUPT_REPLICA, "L" + f.level() + "/" + f.name() + " on " + replica
            + " holds TXIDs " + Txid.format(h.minTxid()) + "-" + Txid.format(h.maxTxid())
            + " according to its header: the file is misnamed; nothing was written to " + out.path());
      }
      checksums &= h.hasChecksums();
    }
    return checksums;
  }

  /** The merge names inputs by position ("input #2 (name)"); say which plan file that is instead. */
  private static String nameInputs(String message, List<LtxFileInfo> files) {
    Matcher m = INPUT.matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      int i = Integer.parseInt(m.group(1));
      String name = i < files.size() ? "L" + files.get(i).level() + "/" + m.group(2) : m.group();
      m.appendReplacement(sb, Matcher.quoteReplacement(name));
    }
    m.appendTail(sb);
    return sb.toString();
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
