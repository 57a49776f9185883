package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.StoreOptions;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.RetryPolicy;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention against a real file replica of real LTX files, with a manual clock: what is deleted,
 * when, and that nothing a restore planned in time needs disappears.
 */
class RetentionTest {
  private static final StoreOptions OPTIONS =
      StoreOptions.DEFAULTS
          .withLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(3)))
          .withSnapshots(Duration.ofSeconds(5), Duration.ofSeconds(10))
          .withL0Retention(Duration.ofSeconds(5), Duration.ofSeconds(1))
          .withRetentionGrace(Duration.ofSeconds(3));

  @TempDir Path dir;
  ManualClock clock = new ManualClock(Instant.parse("2026-05-01T10:00:00Z"));
  FakeHistory history = new FakeHistory(11);
  FileReplicaClient client;
  LocalLtxDir local;
  LevelCompactor compactor;

  @BeforeEach
  void setUp() {
    client = new FileReplicaClient(dir.resolve("replica"));
    local = new LocalLtxDir(dir.resolve("meta"));
    compactor =
        new LevelCompactor(client, local, "db", RetryPolicy.DEFAULT, new AtomicReference<>());
  }

  private Retention retention(StoreOptions options) {
    return new Retention(
        client,
        local,
        options,
        DeletionCandidates.load(dir.resolve("meta").resolve("retention-candidates")),
        "db");
  }

  /** Three commits, compacted into L1 and L2, then a snapshot, then {@code gap} later. */
  private void generation(Duration gap) throws IOException {
    for (int i = 0; i < 3; i++) {
      history.commitTo(client, clock.millis());
    }
    compactor.compact(1);
    compactor.compact(2);
    history.snapshotTo(client, clock.millis());
    clock.advance(gap);
  }

  private List<String> names(int level) throws IOException {
    return client.ltxFiles(level, 1).stream().map(LtxFileInfo::name).toList();
  }

  @Test
  void expiredSnapshotsAndTheHistoryBelowTheFloorGoAfterTheGraceNewestOfEachLevelStays()
      throws Exception {
    generation(Duration.ofSeconds(20));
    generation(Duration.ofSeconds(20));
    generation(Duration.ZERO); // snapshots at TXIDs 3, 6, 9; now = newest + 0s
    Retention retention = retention(OPTIONS);

    RetentionResult first = retention.enforceSnapshotRetention(clock.millis());
    assertThat(first.deleted()).as("candidates wait for the grace").isEmpty();
    assertThat(first.waiting()).isEqualTo(6);
    clock.advance(Duration.ofMillis(2_999));
    assertThat(retention.enforceSnapshotRetention(clock.millis()).deleted()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    RetentionResult done = retention.enforceSnapshotRetention(clock.millis());
    assertThat(done.deleted()).hasSize(6);
    assertThat(done.waiting()).isZero();

    assertThat(names(9)).containsExactly("0000000000000001-0000000000000009.ltx");
    assertThat(names(1)).containsExactly("0000000000000007-0000000000000009.ltx");
    assertThat(names(2)).containsExactly("0000000000000007-0000000000000009.ltx");
    assertThat(names(0)).as("L0 is not this pass's business").hasSize(9);
  }

  @Test
  void theNewestSnapshotIsKeptHoweverOld() throws Exception {
    generation(Duration.ofHours(2));
    RetentionResult r =
        retention(OPTIONS.withRetentionGrace(Duration.ZERO))
            .enforceSnapshotRetention(clock.millis());
    assertThat(r.deleted()).isEmpty();
    assertThat(names(9)).hasSize(1);
  }

  @Test
  void levelsBelowTheTopKeepWhatTheNextLevelHasNotCompactedYet() throws Exception {
    generation(Duration.ofSeconds(20));
    generation(Duration.ofSeconds(20));
    // Three more L1 files that L2 has not compacted, then a snapshot above them.
    for (int i = 0; i < 3; i++) {
      history.commitTo(client, clock.millis());
      compactor.compact(1);
    }
    history.snapshotTo(client, clock.millis());
    Retention retention = retention(OPTIONS.withRetentionGrace(Duration.ZERO));
    retention.enforceSnapshotRetention(clock.millis());
    assertThat(names(9)).containsExactly("0000000000000001-0000000000000009.ltx");
    assertThat(names(2))
        .as("top level: up to the floor, newest kept")
        .containsExactly("0000000000000004-0000000000000006.ltx");
    assertThat(names(1))
        .as("L1 files above L2's reach stay")
        .containsExactly(
            "0000000000000007-0000000000000007.ltx",
            "0000000000000008-0000000000000008.ltx",
            "0000000000000009-0000000000000009.ltx");
    assertThat(LevelValidator.validate(Replicas.levels(client), clock.instant()).issues())
        .isEmpty();
  }

  @Test
  void l0FilesGoL0RetentionAfterL1CoversThemAsALeadingRunAndLocalCopiesAtOnce() throws Exception {
    Files.createDirectories(local.levelZeroDir());
    for (int i = 0; i < 6; i++) {
      history.commitTo(client, clock.millis());
      try (InputStream in = client.openLtxFile(0, history.txid(), history.txid(), 0, 0)) {
        Files.write(local.path(history.txid()), in.readAllBytes());
      }
    }
    Retention retention = retention(OPTIONS);
    assertThat(retention.enforceL0Retention(clock.millis()).deleted())
        .as("nothing in L1 yet")
        .isEmpty();
    compactor.compact(1); // L1 1..6
    history.commitTo(client, clock.millis()); // TXID 7, not in L1
    try (InputStream in = client.openLtxFile(0, 7, 7, 0, 0)) {
      Files.write(local.path(7), in.readAllBytes());
    }

    RetentionResult first = retention.enforceL0Retention(clock.millis());
    assertThat(first.deleted()).isEmpty();
    assertThat(first.localFilesDeleted()).isEqualTo(6);
    assertThat(local.txids()).containsExactly(7L);
    clock.advance(Duration.ofMillis(4_999));
    assertThat(retention.enforceL0Retention(clock.millis()).deleted()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(retention.enforceL0Retention(clock.millis()).deleted()).hasSize(6);
    assertThat(names(0)).containsExactly("0000000000000007-0000000000000007.ltx");
  }

  @Test
  void l0FilesWhoseL1FileRetentionAlreadyRemovedAreStillDeleted() throws Exception {
    for (int i = 0; i < 3; i++) {
      history.commitTo(client, clock.millis());
    }
    compactor.compact(1); // L1 1..3
    for (int i = 0; i < 3; i++) {
      history.commitTo(client, clock.millis());
    }
    compactor.compact(1); // L1 4..6
    compactor.compact(2); // L2 1..6
    Retention retention = retention(OPTIONS);
    retention.enforceL0Retention(clock.millis()); // L0 1..5 start waiting
    // Snapshot retention (on a slow machine, before L0 retention came round) removes L1 1..3,
    // which L2 covers.
    client.deleteLtxFiles(client.ltxFiles(1, 1).subList(0, 1));
    clock.advance(Duration.ofSeconds(5));

    assertThat(retention.enforceL0Retention(clock.millis()).deleted()).hasSize(5);
    assertThat(names(0)).containsExactly("0000000000000006-0000000000000006.ltx");
  }

  @Test
  void newestL0FileStaysEvenWhenCovered() throws Exception {
    for (int i = 0; i < 3; i++) {
      history.commitTo(client, clock.millis());
    }
    compactor.compact(1);
    Retention retention =
        retention(OPTIONS.withL0Retention(Duration.ofMillis(1), Duration.ofSeconds(1)));
    retention.enforceL0Retention(clock.millis());
    clock.advance(Duration.ofSeconds(1));
    retention.enforceL0Retention(clock.millis());
    assertThat(names(0)).containsExactly("0000000000000003-0000000000000003.ltx");
  }

  @Test
  void retentionDisabledDeletesNothingOnTheReplicaButCleansLocalFiles() throws Exception {
    Files.createDirectories(local.levelZeroDir());
    generation(Duration.ofSeconds(20));
    generation(Duration.ofSeconds(20));
    generation(Duration.ofHours(1));
    for (long txid = 7; txid <= 9; txid++) {
      Files.write(local.path(txid), new byte[] {1});
    }
    Retention retention =
        retention(
            OPTIONS
                .withRetentionEnabled(false)
                .withRetentionGrace(Duration.ZERO)
                .withL0Retention(Duration.ofMillis(1), Duration.ofSeconds(1)));
    for (int i = 0; i < 3; i++) {
      assertThat(retention.enforceSnapshotRetention(clock.millis()).deleted()).isEmpty();
      assertThat(retention.enforceL0Retention(clock.millis()).deleted()).isEmpty();
      clock.advance(Duration.ofHours(1));
    }
    assertThat(names(9)).hasSize(3);
    assertThat(names(0)).hasSize(9);
    assertThat(local.txids()).containsExactly(9L);
  }

  @Test
  void waitsSurviveARestartAndSpanOneShotRuns() throws Exception {
    generation(Duration.ofSeconds(20));
    generation(Duration.ZERO);
    assertThat(retention(OPTIONS).enforceSnapshotRetention(clock.millis()).waiting()).isPositive();
    assertThat(Files.readString(dir.resolve("meta/retention-candidates"))).contains("9 1 3 ");
    clock.advance(Duration.ofSeconds(3));
    RetentionResult later = retention(OPTIONS).enforceSnapshotRetention(clock.millis());
    assertThat(later.deleted())
        .extracting(LtxFileInfo::name)
        .contains("0000000000000001-0000000000000003.ltx");
  }

  @Test
  void aFileRecreatedUnderTheSameNameWaitsAgain() throws Exception {
    generation(Duration.ofSeconds(20));
    generation(Duration.ZERO);
    DeletionCandidates candidates = DeletionCandidates.load(null);
    List<LtxFileInfo> snapshots = client.ltxFiles(9, 1);
    LtxFileInfo old = snapshots.getFirst();
    candidates.update(9, List.of(old), clock.millis());
    clock.advance(Duration.ofSeconds(10));
    LtxFileInfo recreated =
        new LtxFileInfo(
            9, old.minTxid(), old.maxTxid(), old.size(), old.createdAt().plusSeconds(1));
    candidates.update(9, List.of(recreated), clock.millis());
    assertThat(candidates.mature(List.of(recreated), 1000, clock.millis())).isEmpty();
  }

  /**
   * Litestream issue 1307: a restore plans its files, then a new snapshot arrives and retention
   * runs while the restore is still reading. Every planned file must outlive the grace.
   */
  @Test
  void aRestorePlannedBeforeANewSnapshotCanReadItsFilesForTheWholeGrace() throws Exception {
    generation(Duration.ofSeconds(20)); // S[1..3]
    for (int i = 0; i < 3; i++) { // 4..6 into L1 and L2, no snapshot yet
      history.commitTo(client, clock.millis());
    }
    compactor.compact(1);
    compactor.compact(2);
    Retention retention = retention(OPTIONS);
    retention.enforceSnapshotRetention(clock.millis());
    List<LtxFileInfo> plan = Replicas.plan(client, 6).orElseThrow();
    assertThat(plan)
        .extracting(f -> f.level() + "/" + f.name())
        .containsExactly(
            "9/0000000000000001-0000000000000003.ltx", "2/0000000000000004-0000000000000006.ltx");

    clock.advance(Duration.ofSeconds(1));
    generation(Duration.ZERO); // 7..9 compacted, S[1..9]: the plan's files are now history
    long planned = clock.millis();
    while (clock.millis() < planned + OPTIONS.retentionGrace().toMillis()) {
      retention.enforceSnapshotRetention(clock.millis());
      for (LtxFileInfo f : plan) {
        assertThat(Files.exists(client.ltxFilePath(f.level(), f.minTxid(), f.maxTxid())))
            .as("%s at +%dms", f, clock.millis() - planned)
            .isTrue();
      }
      clock.advance(Duration.ofMillis(250));
    }
    assertThat(Replicas.restore(client, plan, dir.resolve("restored.db")).checksum())
        .isEqualTo(history.checksumAt(6));
    clock.advance(Duration.ofMillis(1));
    retention.enforceSnapshotRetention(clock.millis());
    assertThat(Files.exists(client.ltxFilePath(9, 1, 3)))
        .as("deleted once the grace is over")
        .isFalse();
    assertThat(
            Replicas.restore(
                    client, Replicas.plan(client, 9).orElseThrow(), dir.resolve("latest.db"))
                .checksum())
        .isEqualTo(history.checksumAt(9));
  }
}
