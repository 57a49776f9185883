package io.litestream4j.store;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counters of what a {@link Store} has done since it was opened, for metrics and tests. Each
 * accessor is a cheap atomic read, safe from any thread; the values only grow.
 */
public final class StoreStats {
  private final AtomicLong compactions = new AtomicLong();
  private final AtomicLong snapshots = new AtomicLong();
  private final AtomicLong deletedFiles = new AtomicLong();
  private final AtomicLong validations = new AtomicLong();
  private final AtomicLong validationIssues = new AtomicLong();
  private final AtomicLong compactionVerifyErrors = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();

  /** Compacted files written, all levels together. */
  public long compactions() {
    return compactions.get();
  }

  /** Snapshots written. */
  public long snapshots() {
    return snapshots.get();
  }

  /** Replica files deleted by retention. */
  public long deletedFiles() {
    return deletedFiles.get();
  }

  /** Validation runs (periodic and explicit). */
  public long validations() {
    return validations.get();
  }

  /** Inconsistencies found by validation runs, summed over all runs. */
  public long validationIssues() {
    return validationIssues.get();
  }

  /**
   * Compactions after which {@code verify-compaction} found the destination level inconsistent
   * (Litestream's {@code litestream_compaction_verify_error_count}).
   */
  public long compactionVerifyErrors() {
    return compactionVerifyErrors.get();
  }

  /** Background jobs that failed (they are retried at their next turn). */
  public long failures() {
    return failures.get();
  }

  /** The message of the most recent failure. */
  public Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure.get());
  }

  void compacted(int files) {
    compactions.addAndGet(files);
  }

  void snapshotted() {
    snapshots.incrementAndGet();
  }

  void deleted(int files) {
    deletedFiles.addAndGet(files);
  }

  void validated(int issues) {
    validations.incrementAndGet();
    validationIssues.addAndGet(issues);
  }

  void verifyFailed() {
    compactionVerifyErrors.incrementAndGet();
  }

  void failed(String message) {
    failures.incrementAndGet();
    lastFailure.set(message);
  }

  @Override
  public String toString() {
    return "StoreStats[compactions="
        + compactions
        + ", snapshots="
        + snapshots
        + ", deletedFiles="
        + deletedFiles
        + ", validations="
        + validations
        + ", validationIssues="
        + validationIssues
        + ", compactionVerifyErrors="
        + compactionVerifyErrors
        + ", failures="
        + failures
        + "]";
  }
}
