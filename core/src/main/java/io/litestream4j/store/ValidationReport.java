package io.litestream4j.store;

import java.time.Instant;
import java.util.List;

/**
 * The result of one check of a replica's levels.
 *
 * @param checkedAt when the check ran
 * @param files number of files examined
 * @param issues every inconsistency found; empty when the replica is consistent
 */
public record ValidationReport(Instant checkedAt, int files, List<ValidationIssue> issues) {
  public ValidationReport {
    issues = List.copyOf(issues);
  }

  public boolean valid() {
    return issues.isEmpty();
  }
}
