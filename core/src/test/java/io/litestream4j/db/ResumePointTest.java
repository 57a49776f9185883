package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResumePointTest {
  private static final Optional<Baseline> NONE = Optional.empty();

  private static Optional<Baseline> at(long txid, long checksum) {
    return Optional.of(new Baseline(txid, checksum));
  }

  @Test
  void nothingAnywhereStartsFromScratchWithAFirstSync() {
    ResumePoint p = ResumePoint.choose(NONE, NONE, t -> false);
    assertThat(p).isEqualTo(new ResumePoint(NONE, false));
    assertThat(p.fullFileReason(42, false)).contains(FullFileReason.FIRST_SYNC);
  }

  @Test
  void localFilesThatContinueTheReplicaAreTheBase() {
    Set<Long> local = Set.of(5L, 6L, 7L);
    ResumePoint p = ResumePoint.choose(at(7, 70), at(4, 40), local::contains);
    assertThat(p).isEqualTo(new ResumePoint(at(7, 70), false));
    assertThat(ResumePoint.choose(at(7, 70), NONE, t -> t >= 1 && t <= 7))
        .as("no replica yet")
        .isEqualTo(new ResumePoint(at(7, 70), false));
    assertThat(ResumePoint.choose(at(4, 40), at(4, 40), t -> false))
        .as("the same TXID")
        .isEqualTo(new ResumePoint(at(4, 40), false));
  }

  @Test
  void aReplicaAheadOrALocalHoleRebasesOnTheReplicaAndDiscardsTheLocalFiles() {
    assertThat(ResumePoint.choose(at(3, 30), at(9, 90), t -> true))
        .as("replica ahead (Litestream issue 781)")
        .isEqualTo(new ResumePoint(at(9, 90), true));
    Set<Long> withHole = Set.of(5L, 7L);
    assertThat(ResumePoint.choose(at(7, 70), at(4, 40), withHole::contains))
        .as("TXID 6 is missing locally")
        .isEqualTo(new ResumePoint(at(4, 40), true));
    assertThat(ResumePoint.choose(NONE, at(4, 40), t -> false))
        .as("no local files: nothing to discard")
        .isEqualTo(new ResumePoint(at(4, 40), false));
  }

  @Test
  void anEmptyReplicaWithLocalFilesPrunedAfterEarlierUploadsStartsFromScratch() {
    ResumePoint p = ResumePoint.choose(at(3, 30), NONE, t -> t == 3);
    assertThat(p).isEqualTo(new ResumePoint(NONE, true));
    assertThat(p.fullFileReason(30, false)).contains(FullFileReason.FIRST_SYNC);
  }

  @Test
  void aMatchingChecksumContinuesAndAnythingElseNamesItsReason() {
    ResumePoint tracked = new ResumePoint(at(4, 40), false);
    assertThat(tracked.fullFileReason(40, false)).isEmpty();
    assertThat(tracked.fullFileReason(41, false)).contains(FullFileReason.DIVERGED);
    assertThat(tracked.fullFileReason(41, true)).contains(FullFileReason.REPLACED);
    assertThat(tracked.fullFileReason(40, true)).as("replaced by an identical database").isEmpty();
    ResumePoint untracked = new ResumePoint(at(4, 0), false);
    assertThat(untracked.fullFileReason(0, false))
        .as("Litestream's files record no checksum")
        .contains(FullFileReason.NO_CHECKSUM);
  }
}
