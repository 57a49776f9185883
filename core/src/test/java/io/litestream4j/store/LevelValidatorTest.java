package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.LtxFileInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LevelValidatorTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static LtxFileInfo f(int level, long min, long max) {
    return new LtxFileInfo(level, min, max, 4096, T);
  }

  private static List<List<LtxFileInfo>> levels() {
    List<List<LtxFileInfo>> levels = new ArrayList<>();
    for (int i = 0; i <= 9; i++) {
      levels.add(new ArrayList<>());
    }
    return levels;
  }

  @Test
  void aConsistentReplicaHasNoIssues() {
    var levels = levels();
    levels.get(9).add(f(9, 1, 10));
    levels.get(2).addAll(List.of(f(2, 1, 10), f(2, 11, 20)));
    levels.get(1).addAll(List.of(f(1, 11, 15), f(1, 16, 20), f(1, 21, 22)));
    levels.get(0).addAll(List.of(f(0, 22, 22), f(0, 23, 23)));
    ValidationReport report = LevelValidator.validate(levels, T);
    assertThat(report.issues()).isEmpty();
    assertThat(report.valid()).isTrue();
    assertThat(report.files()).isEqualTo(8);
  }

  @Test
  void findsGapsOverlapsDisorderAndStrayFilesInTheSnapshotLevel() {
    assertThat(LevelValidator.checkLevel(1, List.of(f(1, 1, 5), f(1, 7, 9))))
        .extracting(ValidationIssue::kind)
        .containsExactly(ValidationIssue.Kind.GAP);
    assertThat(LevelValidator.checkLevel(1, List.of(f(1, 1, 5), f(1, 5, 9))))
        .extracting(ValidationIssue::kind)
        .containsExactly(ValidationIssue.Kind.OVERLAP);
    assertThat(LevelValidator.checkLevel(0, List.of(f(0, 2, 2), f(0, 1, 1))))
        .extracting(ValidationIssue::kind)
        .containsExactly(ValidationIssue.Kind.UNSORTED);
    assertThat(LevelValidator.checkLevel(9, List.of(f(9, 1, 5), f(9, 3, 9))))
        .extracting(ValidationIssue::kind)
        .containsExactly(ValidationIssue.Kind.NOT_A_SNAPSHOT);
    assertThat(LevelValidator.checkLevel(9, List.of(f(9, 1, 5), f(9, 1, 9))))
        .as("snapshots may overlap")
        .isEmpty();
    ValidationIssue gap = LevelValidator.checkLevel(3, List.of(f(3, 1, 5), f(3, 8, 9))).getFirst();
    assertThat(gap.toString())
        .isEqualTo(
            "L3 GAP: TXIDs 0000000000000006..0000000000000007 are missing between "
                + "0000000000000001-0000000000000005.ltx and 0000000000000008-0000000000000009.ltx");
  }

  @Test
  void reportsWhenTheLatestStateCannotBeRestored() {
    var levels = levels();
    levels.get(9).add(f(9, 1, 10));
    levels.get(1).add(f(1, 12, 20)); // TXID 11 is nowhere
    ValidationReport report = LevelValidator.validate(levels, T);
    assertThat(report.issues())
        .extracting(ValidationIssue::kind)
        .containsExactly(ValidationIssue.Kind.BROKEN_CHAIN);
  }

  @Test
  void validationPlansWithTheRestorePlannerTheNewestSnapshotAndTheFewestContiguousFiles() {
    var levels = levels();
    levels.get(9).addAll(List.of(f(9, 1, 4), f(9, 1, 10)));
    levels.get(2).addAll(List.of(f(2, 1, 10), f(2, 11, 20)));
    levels.get(1).addAll(List.of(f(1, 11, 15), f(1, 16, 20), f(1, 21, 22)));
    levels
        .get(0)
        .addAll(
            List.of(
                f(0, 18, 18),
                f(0, 19, 19),
                f(0, 20, 20),
                f(0, 21, 21),
                f(0, 22, 22),
                f(0, 23, 23)));
    assertThat(Replicas.plan(levels, 23).orElseThrow())
        .containsExactly(f(9, 1, 10), f(2, 11, 20), f(1, 21, 22), f(0, 23, 23));
    assertThat(Replicas.plan(levels, 21).orElseThrow())
        .as("point in time: L1 16-20 overshoots nothing, L0 to 21")
        .containsExactly(f(9, 1, 10), f(2, 11, 20), f(0, 21, 21));
    assertThat(Replicas.plan(levels, 10).orElseThrow()).containsExactly(f(9, 1, 10));
    assertThat(Replicas.plan(levels, 7)).as("inside a file and no L0 below 18").isEmpty();
    assertThat(Replicas.plan(levels, 4).orElseThrow()).containsExactly(f(9, 1, 4));
  }

  @Test
  void validationAcceptsExactlyWhatRestoreAccepts() {
    // L1 16-25 starts inside the range L2 11-20 already covers: the restore planner uses it as an
    // overlap (its pages are the newest for everything it covers), so the latest state is
    // restorable and validation must not call the chain broken.
    var levels = levels();
    levels.get(9).add(f(9, 1, 10));
    levels.get(2).add(f(2, 11, 20));
    levels.get(1).add(f(1, 16, 25));
    assertThat(LevelValidator.validate(levels, T).issues()).isEmpty();
    assertThat(Replicas.plan(levels, 25).orElseThrow())
        .containsExactly(f(9, 1, 10), f(2, 11, 20), f(1, 16, 25));

    levels.get(1).clear();
    levels.get(1).add(f(1, 22, 25)); // TXID 21 is nowhere
    assertThat(LevelValidator.validate(levels, T).issues())
        .singleElement()
        .satisfies(i -> assertThat(i.kind()).isEqualTo(ValidationIssue.Kind.BROKEN_CHAIN))
        .satisfies(
            i ->
                assertThat(i.message())
                    .contains("TXIDs 0000000000000015-0000000000000015 are missing"));
  }
}
