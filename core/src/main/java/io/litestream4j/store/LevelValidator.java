package io.litestream4j.store;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreTarget;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.restore.ReplicaCatalog;
import io.litestream4j.restore.RestorePlanner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a replica's levels the way a restore depends on them: within each of L0..L8 files must be
 * listed in TXID order and follow each other without gaps or overlaps; L9 must hold snapshots only;
 * and the restore planner must find a plan for the newest TXID on the replica.
 */
final class LevelValidator {
  private LevelValidator() {}

  /** Issues within one level, its files as listed by the backend. */
  static List<ValidationIssue> checkLevel(int level, List<LtxFileInfo> listed) {
    List<ValidationIssue> issues = new ArrayList<>();
    for (int i = 1; i < listed.size(); i++) {
      if (LtxFileInfo.BY_TXID.compare(listed.get(i - 1), listed.get(i)) > 0) {
        issues.add(
            new ValidationIssue(
                level,
                ValidationIssue.Kind.UNSORTED,
                "the replica listed "
                    + listed.get(i).name()
                    + " after "
                    + listed.get(i - 1).name()));
        break;
      }
    }
    if (level == LtxFileInfo.SNAPSHOT_LEVEL) {
      for (LtxFileInfo f : listed) {
        if (f.minTxid() != 1) {
          issues.add(
              new ValidationIssue(
                  level,
                  ValidationIssue.Kind.NOT_A_SNAPSHOT,
                  f.name() + " is in the snapshot level but does not start at TXID 1; delete it"));
        }
      }
      return issues;
    }
    List<LtxFileInfo> sorted = LevelFiles.sorted(listed);
    for (int i = 1; i < sorted.size(); i++) {
      LtxFileInfo prev = sorted.get(i - 1);
      LtxFileInfo next = sorted.get(i);
      if (next.minTxid() <= prev.maxTxid()) {
        issues.add(
            new ValidationIssue(
                level, ValidationIssue.Kind.OVERLAP, next.name() + " overlaps " + prev.name()));
      } else if (next.minTxid() > prev.maxTxid() + 1) {
        issues.add(
            new ValidationIssue(
                level,
                ValidationIssue.Kind.GAP,
                "TXIDs "
                    + Txid.format(prev.maxTxid() + 1)
                    + ".."
                    + Txid.format(next.minTxid() - 1)
                    + " are missing between "
                    + prev.name()
                    + " and "
                    + next.name()));
      }
    }
    return issues;
  }

  /** Every check over a listing of levels 0..9. */
  static ValidationReport validate(List<List<LtxFileInfo>> levels, Instant now) {
    List<ValidationIssue> issues = new ArrayList<>();
    int files = 0;
    long newest = 0;
    for (int level = 0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      List<LtxFileInfo> listed = levels.get(level);
      files += listed.size();
      newest = Math.max(newest, LevelFiles.maxTxid(listed));
      issues.addAll(checkLevel(level, listed));
    }
    if (newest > 0) {
      // The restore planner itself decides: validation never disagrees with what a restore does.
      ReplicaCatalog catalog = ReplicaCatalog.ofLevels(levels);
      try {
        RestorePlanner.plan(catalog, RestoreTarget.latest(), "the replica");
      } catch (RestoreException e) {
        issues.add(
            new ValidationIssue(
                -1,
                ValidationIssue.Kind.BROKEN_CHAIN,
                "a restore of the latest state (TXID "
                    + Txid.format(newest)
                    + ") would fail: "
                    + e.getMessage()));
      }
    }
    return new ValidationReport(now, files, issues);
  }
}
