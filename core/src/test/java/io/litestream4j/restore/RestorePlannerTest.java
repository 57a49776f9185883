package io.litestream4j.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestorePlan;
import io.litestream4j.RestoreTarget;
import io.litestream4j.replica.LtxFileInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Plans on synthetic replica listings: which files, in which order, and what the errors say. A
 * file's creation time is second {@code maxTxid} after {@link #T0}, as if one transaction a second.
 */
class RestorePlannerTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private static LtxFileInfo f(int level, long min, long max) {
    return new LtxFileInfo(level, min, max, 1000 + 10 * (max - min), T0.plusSeconds(max));
  }

  private static List<LtxFileInfo> l0(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(t -> f(0, t, t)).toList();
  }

  private static List<LtxFileInfo> replica(Object... parts) {
    List<LtxFileInfo> all = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof LtxFileInfo one) {
        all.add(one);
      } else {
        @SuppressWarnings("unchecked")
        List<LtxFileInfo> many = (List<LtxFileInfo>) p;
        all.addAll(many);
      }
    }
    return all;
  }

  private static RestorePlan plan(List<LtxFileInfo> files, RestoreTarget target)
      throws RestoreException {
    return RestorePlanner.plan(new ReplicaCatalog(files), target, "test replica");
  }

  private static List<String> names(RestorePlan plan) {
    return plan.files().stream()
        .map(x -> "L" + x.level() + ":" + x.minTxid() + "-" + x.maxTxid())
        .toList();
  }

  @Test
  void onlyLevelZeroStartsWithTheFirstFileWhichIsASnapshot() throws Exception {
    RestorePlan p = plan(l0(1, 5), RestoreTarget.latest());
    assertThat(names(p)).containsExactly("L0:1-1", "L0:2-2", "L0:3-3", "L0:4-4", "L0:5-5");
    assertThat(p.maxTxid()).isEqualTo(5);
    assertThat(plan(l0(1, 5), RestoreTarget.txid(3)).maxTxid()).isEqualTo(3);
  }

  @Test
  void newestSnapshotAtOrBeforeTheTargetThenFewestFilesAcrossLevels() throws Exception {
    var files =
        replica(
            f(9, 1, 10),
            f(9, 1, 30),
            f(9, 1, 50),
            f(1, 11, 20),
            f(1, 21, 30),
            f(1, 31, 40),
            f(2, 11, 40),
            f(1, 41, 50),
            l0(11, 60));
    assertThat(names(plan(files, RestoreTarget.latest())))
        .containsExactly(
            "L9:1-50",
            "L0:51-51",
            "L0:52-52",
            "L0:53-53",
            "L0:54-54",
            "L0:55-55",
            "L0:56-56",
            "L0:57-57",
            "L0:58-58",
            "L0:59-59",
            "L0:60-60");
    assertThat(names(plan(files, RestoreTarget.txid(45))))
        .containsExactly(
            "L9:1-30", "L1:31-40", "L0:41-41", "L0:42-42", "L0:43-43", "L0:44-44", "L0:45-45");
    assertThat(names(plan(files, RestoreTarget.txid(40)))).containsExactly("L9:1-30", "L1:31-40");
    assertThat(names(plan(files, RestoreTarget.txid(30)))).containsExactly("L9:1-30");
    assertThat(names(plan(files, RestoreTarget.txid(12))))
        .containsExactly("L9:1-10", "L0:11-11", "L0:12-12");
  }

  @Test
  void withoutSnapshotsAFullFileAtAnyLevelStartsThePlan() throws Exception {
    var files = replica(f(1, 1, 8), f(2, 1, 16), f(1, 9, 16), l0(15, 18));
    assertThat(names(plan(files, RestoreTarget.latest())))
        .containsExactly("L2:1-16", "L0:17-17", "L0:18-18");
    assertThat(names(plan(files, RestoreTarget.txid(8)))).containsExactly("L1:1-8");
  }

  @Test
  void aFileCoveredByALargerOneInTheSameLevelIsSkipped() throws Exception {
    // Litestream issue 847: L2 1-100 and L2 50-60 side by side
    var files = replica(f(2, 1, 100), f(2, 50, 60), l0(101, 102));
    assertThat(names(plan(files, RestoreTarget.latest())))
        .containsExactly("L2:1-100", "L0:101-101", "L0:102-102");
  }

  @Test
  void aCompactedFileReachingBackBeforeTheSnapshotBridgesRetainedLevels() throws Exception {
    // snapshot at 100; L0 files up to 110 were removed by retention; L1 95-110 reaches back
    var files = replica(f(9, 1, 100), f(1, 95, 110), f(1, 111, 120), l0(111, 121));
    RestorePlan p = plan(files, RestoreTarget.latest());
    assertThat(names(p)).containsExactly("L9:1-100", "L1:95-110", "L1:111-120", "L0:121-121");
    assertThat(p.overlaps()).isEqualTo(1);
  }

  @Test
  void exactContinuationIsPreferredToAnOverlapWithAsManyFiles() throws Exception {
    var files = replica(f(9, 1, 100), f(1, 95, 110), f(0, 101, 110), l0(111, 111));
    RestorePlan p = plan(files, RestoreTarget.latest());
    assertThat(names(p)).containsExactly("L9:1-100", "L0:101-110", "L0:111-111");
    assertThat(p.overlaps()).isZero();
  }

  @Test
  void theSearchIsAShortestPathNotAGreedyWalk() throws Exception {
    // greedy "reach furthest" (Litestream) takes L1 6-10, then needs the overlapping L2 8-100
    var files = replica(f(9, 1, 5), f(1, 6, 10), f(0, 6, 7), f(2, 8, 100));
    RestorePlan p = plan(files, RestoreTarget.latest());
    assertThat(names(p)).containsExactly("L9:1-5", "L0:6-7", "L2:8-100");
    assertThat(p.overlaps()).isZero();
  }

  @Test
  void aGapNamesTheMissingRange() {
    var files = replica(l0(1, 10), l0(13, 20));
    expect(
        () -> plan(files, RestoreTarget.latest()),
        Reason.GAP,
        "has a gap: TXIDs 000000000000000b-000000000000000c are missing",
        "reach TXID 000000000000000a",
        "starts at TXID 000000000000000d");
    expect(
        () -> plan(files, RestoreTarget.txid(15)),
        Reason.GAP,
        "TXIDs 000000000000000b-000000000000000c are missing");
  }

  @Test
  void aReplicaWithoutAnySnapshotSaysSo() {
    expect(
        () -> plan(l0(5, 9), RestoreTarget.latest()),
        Reason.GAP,
        "has no snapshot",
        "TXIDs 0000000000000001-0000000000000004 are missing");
  }

  @Test
  void targetsOutsideTheReplicaSayWhatItHolds() {
    var files = replica(f(9, 1, 10), l0(8, 20));
    expect(
        () -> plan(files, RestoreTarget.txid(21)),
        Reason.TARGET_NOT_AVAILABLE,
        "TXID 0000000000000015 is not available",
        "holds TXIDs 0000000000000001-0000000000000014",
        "created from 2025-01-01T00:00:08Z to 2025-01-01T00:00:20Z");
    expect(
        () -> plan(files, RestoreTarget.txid(5)),
        Reason.TARGET_NOT_AVAILABLE,
        "before the oldest restorable point",
        "reaches TXID 000000000000000a");
    expect(
        () -> plan(files, RestoreTarget.timestamp(T0.plusSeconds(8))),
        Reason.TARGET_NOT_AVAILABLE,
        "no backup on test replica was created before 2025-01-01T00:00:08Z");
    expect(
        () -> plan(List.of(), RestoreTarget.latest()),
        Reason.NO_BACKUPS,
        "no backup files found on test replica");
  }

  @Test
  void aKnownFullFileIsABaseEvenWithoutAnySnapshot() throws Exception {
    var files = replica(l0(7, 12));
    LtxFileInfo full = files.stream().filter(x -> x.minTxid() == 9).findFirst().orElseThrow();
    RestorePlan p =
        RestorePlanner.plan(
            new ReplicaCatalog(files),
            RestoreTarget.latest(),
            "test replica",
            java.util.Set.of(full));
    assertThat(names(p)).containsExactly("L0:9-9", "L0:10-10", "L0:11-11", "L0:12-12");
    expect(() -> plan(files, RestoreTarget.latest()), Reason.GAP, "no snapshot");
  }

  @Test
  void aTimestampAfterTheNewestFileIsTheLatestStateAsInLitestream() throws Exception {
    var files = replica(f(9, 1, 10), l0(8, 20));
    assertThat(plan(files, RestoreTarget.timestamp(T0.plusSeconds(21))).maxTxid()).isEqualTo(20);
    assertThat(plan(files, RestoreTarget.timestamp(T0.plusSeconds(3600))).files())
        .isEqualTo(plan(files, RestoreTarget.latest()).files());
  }

  @Test
  void aTxidInsideACompactedFileWhoseTransactionsAreGoneCannotBeRestoredExactly() {
    var files = replica(f(9, 1, 10), f(1, 11, 20), l0(21, 22));
    expect(
        () -> plan(files, RestoreTarget.txid(15)),
        Reason.TARGET_NOT_AVAILABLE,
        "TXID 000000000000000f cannot be restored exactly",
        "nearest restorable TXIDs are 000000000000000a and 0000000000000014");
  }

  @Test
  void timestampsSelectFilesCreatedStrictlyBefore() throws Exception {
    var files = replica(f(9, 1, 10), f(1, 11, 20), l0(11, 25));
    assertThat(plan(files, RestoreTarget.timestamp(T0.plusSeconds(21))).maxTxid()).isEqualTo(20);
    assertThat(names(plan(files, RestoreTarget.timestamp(T0.plusSeconds(20)))))
        .hasSize(10)
        .endsWith("L0:19-19");
    assertThat(names(plan(files, RestoreTarget.timestamp(T0.plusSeconds(21).plusMillis(1)))))
        .containsExactly("L9:1-10", "L1:11-20", "L0:21-21");
  }

  @Test
  void aPlanFileTooShortToBeLtxIsReportedBeforeDownloading() {
    var files = replica(l0(1, 3), new LtxFileInfo(0, 4, 4, 0, T0.plusSeconds(4)));
    expect(
        () -> plan(files, RestoreTarget.latest()),
        Reason.CORRUPT_REPLICA,
        "L0/0000000000000004-0000000000000004.ltx on test replica is 0 bytes long");
  }

  @Test
  void manyFilesPlanQuickly() throws Exception {
    List<LtxFileInfo> files = new ArrayList<>(l0(1, 20_000));
    for (long m = 1; m <= 20_000; m += 100) {
      files.add(f(1, m, m + 99));
    }
    files.add(f(2, 1, 10_000));
    long start = System.nanoTime();
    RestorePlan p = plan(files, RestoreTarget.latest());
    assertThat(names(p)).hasSize(101).startsWith("L2:1-10000");
    assertThat((System.nanoTime() - start) / 1_000_000).as("planning time in ms").isLessThan(2_000);
  }

  private static void expect(ThrowingCallable call, Reason reason, String... fragments) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage()).contains(fragments);
            });
  }
}
