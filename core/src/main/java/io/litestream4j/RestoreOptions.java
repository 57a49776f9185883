package io.litestream4j;

import io.litestream4j.replica.RetryPolicy;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How to restore: where to write the database, which point of the history, how many files to
 * download at once, which SQLite check to run and whether an existing database may be replaced.
 * Immutable; start from {@link #of(Path)} (latest state, 8 parallel downloads, no SQLite check, no
 * overwrite) and derive variants with the {@code with*} methods.
 *
 * @param output the database file to create
 * @param target the point in the replica's history to restore
 * @param parallelism how many plan files of a remote replica are downloaded concurrently into a
 *     staging directory beside the output (at least 1); the largest file (usually the snapshot) is
 *     streamed straight into the merge instead, and a file replica is read in place
 * @param integrityCheck SQLite check run on the restored database before it is moved into place; at
 *     least {@link IntegrityCheck#QUICK} runs anyway when a plan file carries no checksums
 * @param force replace an existing non-empty database and delete its -wal/-shm/-journal files
 * @param retryPolicy how dropped downloads are resumed
 * @param progress receives progress reports
 */
public record RestoreOptions(
    Path output,
    RestoreTarget target,
    int parallelism,
    IntegrityCheck integrityCheck,
    boolean force,
    RetryPolicy retryPolicy,
    RestoreProgress progress) {

  /** Litestream's {@code -parallelism} default. */
  public static final int DEFAULT_PARALLELISM = 8;

  /** SQLite's own check of the restored database, as {@code -integrity-check} names them. */
  public enum IntegrityCheck {
    /** No SQLite check (checksums are still verified). */
    NONE,
    /** {@code PRAGMA quick_check}: page and b-tree structure, linear in the database size. */
    QUICK,
    /** {@code PRAGMA integrity_check}: also index content; slower. */
    FULL;

    /** Parses {@code none}, {@code quick} or {@code full}. */
    public static IntegrityCheck parse(String mode) {
      return switch (mode) {
        case "none" -> NONE;
        case "quick" -> QUICK;
        case "full" -> FULL;
        default ->
            throw new IllegalArgumentException(
                "invalid -integrity-check value: " + mode + " (use none, quick or full)");
      };
    }

    /** The stronger of this check and {@code other}. */
    public IntegrityCheck atLeast(IntegrityCheck other) {
      return compareTo(other) >= 0 ? this : other;
    }

    /** The name {@link #parse} accepts. */
    public String flagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public RestoreOptions {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(integrityCheck, "integrityCheck");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(progress, "progress");
    if (parallelism < 1) {
      throw new IllegalArgumentException(
          "restore parallelism must be at least 1, got " + parallelism);
    }
  }

  /** The latest state into {@code output}, with the defaults described above. */
  public static RestoreOptions of(Path output) {
    return new RestoreOptions(
        output,
        RestoreTarget.latest(),
        DEFAULT_PARALLELISM,
        IntegrityCheck.NONE,
        false,
        RetryPolicy.DEFAULT,
        RestoreProgress.NONE);
  }

  public RestoreOptions withTarget(RestoreTarget t) {
    return new RestoreOptions(output, t, parallelism, integrityCheck, force, retryPolicy, progress);
  }

  public RestoreOptions withParallelism(int n) {
    return new RestoreOptions(output, target, n, integrityCheck, force, retryPolicy, progress);
  }

  public RestoreOptions withIntegrityCheck(IntegrityCheck c) {
    return new RestoreOptions(output, target, parallelism, c, force, retryPolicy, progress);
  }

  public RestoreOptions withForce(boolean f) {
    return new RestoreOptions(
        output, target, parallelism, integrityCheck, f, retryPolicy, progress);
  }

  public RestoreOptions withRetryPolicy(RetryPolicy p) {
    return new RestoreOptions(output, target, parallelism, integrityCheck, force, p, progress);
  }

  public RestoreOptions withProgress(RestoreProgress p) {
    return new RestoreOptions(output, target, parallelism, integrityCheck, force, retryPolicy, p);
  }
}
