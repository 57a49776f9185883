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
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileName;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ResumableInputStream;
import java.io.BufferedInputStream;
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
 * {@code <out>.tmp} (every file's checksum verified while streaming; where files carry rolling
 * checksums, continuity file to file and the final database checksum), fsync, SQLite check,
 * rename into place, directory fsync. Any failure deletes every temporary and leaves an existing
 * database untouched.
 *
 * <p>If a planned file vanishes from the replica meanwhile (retention deleting it, Litestream
 * issue 1307) the replica is listed again and the restore re-planned once; files already
 * downloaded are reused.
 */
public final class RestoreJob {
  private static final Logger log = LoggerFactory.getLogger(RestoreJob.class);
  private static final Pattern INPUT = Pattern.compile("input #(\\d+) \\(([0-9a-f]{16}-[0-9a-f]{16}\\.ltx)\\)");

  private final ReplicaClient client;
  private final String replica;
  private final RestoreOptions options;

  private RestoreJob(ReplicaClient client, String replica, RestoreOptions options) {
    this.client = client;
    this.replica = replica;
    this.options = options;
  }

  /**
   * Plans {@code target} on {@code client} ({@code replica} names it in messages).
   *
   * @throws RestoreException if the replica cannot rebuild the target
   */
  public static RestorePlan plan(ReplicaClient client, String replica, RestoreTarget target) throws IOException {
    client.init();
    return RestorePlanner.plan(ReplicaCatalog.load(client, target.needsExactTimestamps()), target, replica);
  }

  /** Runs a restore as {@code options} say. */
  public static RestoreResult run(ReplicaClient client, String replica, RestoreOptions options) throws IOException {
    return new RestoreJob(client, replica, options).run();
  }

  private RestoreResult run() throws IOException {
    long started = System.nanoTime();
    OutputFile out = OutputFile.prepare(options.output(), options.force());
    StagingArea staging = null;
    try {
      RestorePlan plan = plan(client, replica, options.target());
      Applied applied;
      for (int attempt = 1; ; attempt++) {
        try {
          if (staging == null && options.parallelism() > 1 && plan.files().size() > 1) {
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
          plan = plan(client, replica, options.target());
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
    List<PlanInput> inputs = new ArrayList<>(files.size());
    long total = plan.totalBytes();
    AtomicLong consumed = new AtomicLong();
    RestoreProgress progress = options.progress();
    try {
      List<Path> local = staging == null ? null : staging.fetch(files);
      for (int i = 0; i < files.size(); i++) {
        LtxFileInfo f = files.get(i);
        InputStream raw = local == null
            ? ResumableInputStream.open(client, f, options.retryPolicy())
            : new BufferedInputStream(Files.newInputStream(local.get(i)), 64 * 1024);
        inputs.add(new PlanInput(f, raw, n -> progress.update(RestoreProgress.Phase.APPLY, consumed.addAndGet(n), total)));
      }
    } catch (IOException | RuntimeException e) {
      for (PlanInput in : inputs) {
        closeQuietly(in, e);
      }
      throw e;
    }
    progress.update(RestoreProgress.Phase.APPLY, 0, total);
    LtxApplier applier;
    try (FileChannel ch = out.openTemp()) {
      try {
        applier = plan.overlaps() > 0
            ? LtxApplier.restoreAcrossOverlaps(inputs, ch)
            : LtxApplier.restore(inputs, ch);
      } catch (LtxException e) {
        throw new RestoreException(Reason.CORRUPT_REPLICA, "the files on " + replica + " failed verification while"
            + " restoring to TXID " + Txid.format(plan.maxTxid()) + ", so nothing was written to " + out.path()
            + ": " + nameInputs(e.getMessage(), files), e);
      }
      ch.force(true);
    }
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
    return new Applied(applier.txid(), applier.timestamp(), checksums);
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
