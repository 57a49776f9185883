package io.litestream4j.restore;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestorePlan;
import io.litestream4j.ltx.LtxException;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ResumableInputStream;
import io.litestream4j.replica.RetryPolicy;
import io.litestream4j.tools.LtxInspector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a merge that failed verification means for the restore: the plan crossed a page size change
 * (the file that changes it holds every page and can start the plan instead), one file is corrupt
 * by itself (plan around it), or the files do not fit together (a plain error). Every message names
 * files by their real names on the replica, with what their headers claim where that differs.
 */
final class MergeFailure {
  private static final Pattern INPUT =
      Pattern.compile("input #(\\d+) \\(([0-9a-f]{16}-[0-9a-f]{16}\\.ltx)\\)");

  private MergeFailure() {}

  /**
   * The merge failed where the page size changes: that file holds every page and can start the
   * plan.
   */
  static final class FullFileFound extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient LtxFileInfo file;
    private final RestoreException failure;

    FullFileFound(LtxFileInfo file, RestoreException failure) {
      super(failure.getMessage(), failure);
      this.file = file;
      this.failure = failure;
    }

    LtxFileInfo file() {
      return file;
    }

    RestoreException failure() {
      return failure;
    }
  }

  /** One plan file failed verification on its own. */
  static final class CorruptFile extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient LtxFileInfo file;
    private final String problem;
    private final RestoreException failure;

    CorruptFile(LtxFileInfo file, String problem, RestoreException failure) {
      super(failure.getMessage(), failure);
      this.file = file;
      this.problem = problem;
      this.failure = failure;
    }

    LtxFileInfo file() {
      return file;
    }

    String problem() {
      return problem;
    }

    RestoreException failure() {
      return failure;
    }
  }

  /**
   * Classifies the failure {@code e} (an {@link LtxException}, or an index error from a damaged
   * file) of merging {@code batch}, opened as {@code inputs}.
   *
   * @return a {@link FullFileFound}, a {@link CorruptFile} or a {@link RestoreException}, to throw
   */
  static IOException explain(
      Exception e,
      RestorePlan plan,
      List<LtxFileInfo> batch,
      List<PlanInput> inputs,
      String replica,
      Path out,
      ReplicaClient client,
      RetryPolicy retry) {
    RestoreException failure =
        new RestoreException(
            Reason.CORRUPT_REPLICA,
            "the files on "
                + replica
                + " failed verification while restoring to TXID "
                + Txid.format(plan.maxTxid())
                + ", so nothing was written to "
                + out
                + ": "
                + nameFiles(nameInputs(String.valueOf(e.getMessage()), batch), inputs),
            e);
    Optional<LtxFileInfo> base = pageSizeChange(inputs);
    if (base.isPresent()) {
      return new FullFileFound(base.get(), failure);
    }
    Optional<CorruptFile> corrupt = findCorrupt(batch, failure, client, retry);
    return corrupt.isPresent() ? corrupt.get() : failure;
  }

  /**
   * Where the page size changes along the inputs whose headers the merge read: the file that
   * changes it (it must hold every page for the change to be valid, which applying it alone
   * proves).
   */
  static Optional<LtxFileInfo> pageSizeChange(List<PlanInput> inputs) {
    LtxFileInfo change = null;
    int previous = 0;
    for (PlanInput in : inputs) {
      Optional<LtxHeader> h = in.headerIfRead();
      if (h.isEmpty()) {
        break;
      }
      int pageSize = h.get().pageSize();
      if (previous != 0 && pageSize != previous) {
        change = in.file();
      }
      previous = pageSize;
    }
    return Optional.ofNullable(change);
  }

  /**
   * After a merge failed, verifies each file of the batch on its own (a second read, only on this
   * error path) to find one that is corrupt by itself, as opposed to files that do not fit
   * together.
   */
  private static Optional<CorruptFile> findCorrupt(
      List<LtxFileInfo> batch, RestoreException failure, ReplicaClient client, RetryPolicy retry) {
    for (LtxFileInfo f : batch) {
      try (InputStream in = ResumableInputStream.open(client, f, retry)) {
        LtxInspector.verify(in);
      } catch (LtxException | IndexOutOfBoundsException e) {
        return Optional.of(new CorruptFile(f, String.valueOf(e.getMessage()), failure));
      } catch (IOException e) {
        failure.addSuppressed(e);
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The merge names files by their header TXIDs ("file A-B.ltx"); use the plan's real names. */
  private static String nameFiles(String message, List<PlanInput> inputs) {
    String named = message;
    for (PlanInput in : inputs) {
      Optional<LtxHeader> h = in.headerIfRead();
      if (h.isEmpty()) {
        continue;
      }
      String byHeader = h.get().fileName().name();
      String real = in.file().label();
      String replacement =
          byHeader.equals(in.file().name()) ? real : real + " (whose header says " + byHeader + ")";
      named =
          named
              .replace("file " + byHeader, replacement)
              .replace(".. " + byHeader, ".. " + replacement)
              .replace("files " + byHeader, "files " + replacement);
    }
    return named;
  }

  /**
   * The merge names inputs by position ("input #2 (name)"); say which plan file that is instead.
   */
  private static String nameInputs(String message, List<LtxFileInfo> files) {
    Matcher m = INPUT.matcher(message);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      int i = Integer.parseInt(m.group(1));
      String name = m.group();
      if (i < files.size()) {
        LtxFileInfo f = files.get(i);
        name =
            f.label()
                + (f.name().equals(m.group(2)) ? "" : " (whose header says " + m.group(2) + ")");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(name));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
