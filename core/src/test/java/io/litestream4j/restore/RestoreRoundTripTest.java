package io.litestream4j.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestorePlan;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.restore.RestoreFixtures.History;
import io.litestream4j.restore.RestoreFixtures.State;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.TestFiles;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips through real replication: the database restored at a TXID or a timestamp must be the
 * source as it was at that transaction — same logical content, same rolling checksum, and {@code
 * integrity_check} ok — from a replica of only L0 files and from one with compaction levels,
 * snapshots and retention-deleted L0 files (where plans need levels and an overlapping seam).
 */
class RestoreRoundTripTest {
  @TempDir static Path dir;
  static History history;

  @BeforeAll
  static void replicate() throws Exception {
    history = RestoreFixtures.replicate(dir, 24, 42);
    assertThat(history.states()).hasSizeGreaterThanOrEqualTo(20);
  }

  @Test
  void everyRecordedTxidRestoresFromLevelZeroFiles() throws Exception {
    Restorer restorer = new Restorer(history.client());
    int i = 0;
    for (State s : history.states().values()) {
      Path out = dir.resolve("l0-" + s.txid() + ".db");
      RestoreResult r =
          restorer.restore(
              RestoreOptions.of(out)
                  .withTarget(RestoreTarget.txid(s.txid()))
                  .withParallelism(i++ % 2 == 0 ? 1 : 4));
      assertRestored(r, s);
      assertThat(r.plan().files()).allMatch(f -> f.level() == 0).hasSize((int) s.txid());
    }
    Path latest = dir.resolve("l0-latest.db");
    RestoreResult r = restorer.restore(RestoreOptions.of(latest));
    assertThat(r.txid())
        .isEqualTo(history.client().ltxFiles(0, 0).getLast().maxTxid())
        .isGreaterThanOrEqualTo(history.states().lastKey());
    assertThat(DbCompare.dump(latest)).isEqualTo(history.states().lastEntry().getValue().dump());
    DbCompare.assertIntegrity(latest);
  }

  @Test
  void longPlansMergedInSeveralPassesRestoreTheSameDatabase() throws Exception {
    int i = 0;
    for (State s : history.states().values()) {
      if (s.txid() < 5) {
        continue;
      }
      Path out = dir.resolve("passes-" + s.txid() + ".db");
      int maxOpenFiles = 2 + i++ % 3;
      RestoreResult r =
          RestoreJob.run(
              history.client(),
              "test replica",
              RestoreOptions.of(out)
                  .withTarget(RestoreTarget.txid(s.txid()))
                  .withParallelism(1 + i % 2),
              maxOpenFiles);
      assertRestored(r, s);
    }
  }

  @Test
  void timestampsRestoreTheLastTransactionCreatedBefore() throws Exception {
    Restorer restorer = new Restorer(history.client());
    int tested = 0;
    for (State s : history.states().values()) {
      Instant at = history.createdAt(s.txid());
      List<LtxFileInfo> later = history.client().ltxFiles(0, s.txid() + 1);
      if (later.isEmpty()) {
        continue;
      }
      Instant next = later.getFirst().createdAt();
      Instant between = at.plusMillis((next.toEpochMilli() - at.toEpochMilli()) / 2);
      assertThat(between).isAfter(at).isBefore(next);
      Path out = dir.resolve("ts-" + s.txid() + ".db");
      RestoreResult r =
          restorer.restore(RestoreOptions.of(out).withTarget(RestoreTarget.timestamp(between)));
      assertRestored(r, s);
      assertThat(r.timestamp()).isEqualTo(at);
      tested++;
    }
    assertThat(tested).isGreaterThanOrEqualTo(15);
  }

  @Test
  void plansAcrossLevelsSnapshotsAndRetentionRestoreExactly() throws Exception {
    Path replica = dir.resolve("levels-replica");
    TestFiles.copyTree(history.replica(), replica);
    FileReplicaClient client = new FileReplicaClient(replica);
    long max = client.ltxFiles(0, 0).getLast().maxTxid();
    // compaction: L1 every 4 TXIDs, L2 every 12, snapshots at s1 and s2 (s2 inside an L1 file)
    for (long m = 1; m + 3 <= max; m += 4) {
      RestoreFixtures.compact(client, 0, m, m + 3, 1);
    }
    for (long m = 1; m + 11 <= max; m += 12) {
      RestoreFixtures.compact(client, 1, m, m + 11, 2);
    }
    long s1 = max / 3;
    long s2 = (2 * max / 3) / 4 * 4 + 2;
    RestoreFixtures.compact(client, 0, 1, s1, 9);
    RestoreFixtures.compact(client, 0, 1, s2, 9);
    // retention: L0 up to the end of the L1 file holding s2, L1 files inside the first L2 file
    long l0Floor = s2 + 2;
    client.deleteLtxFiles(
        client.ltxFiles(0, 0).stream().filter(f -> f.maxTxid() <= l0Floor).toList());
    client.deleteLtxFiles(client.ltxFiles(1, 0).stream().filter(f -> f.maxTxid() <= 12).toList());

    Restorer restorer = new Restorer(client);
    RestorePlan latest = restorer.plan(RestoreTarget.latest());
    assertThat(latest.files().getFirst())
        .matches(f -> f.level() == 9 && f.maxTxid() == s2, "the newest snapshot");
    assertThat(latest.files().get(1))
        .matches(
            f -> f.level() >= 1 && f.minTxid() < s2 && f.maxTxid() > s2,
            "a compacted file reaching back before the snapshot's end");
    assertThat(latest.overlaps()).isEqualTo(1);
    RestoreResult r = restorer.restore(RestoreOptions.of(dir.resolve("levels-latest.db")));
    assertThat(r.checksumVerified()).isTrue();
    if (history.states().containsKey(r.txid())) {
      assertRestored(r, history.states().get(r.txid()));
    }

    List<Long> restored = new ArrayList<>();
    List<Long> refused = new ArrayList<>();
    for (State s : history.states().values()) {
      long t = s.txid();
      // exact below the L0 floor only at snapshots and at compaction boundaries that survived
      // retention
      boolean exact = t > l0Floor || t == s1 || t == s2 || (t % 4 == 0 && t >= 12);
      Path out = dir.resolve("levels-" + t + ".db");
      RestoreOptions opts =
          RestoreOptions.of(out).withTarget(RestoreTarget.txid(t)).withParallelism(3);
      if (exact) {
        RestoreResult rr = restorer.restore(opts);
        assertRestored(rr, s);
        assertThat(rr.plan().files()).as("plan for %d", t).hasSizeLessThan((int) t + 1);
        restored.add(t);
      } else {
        assertThatThrownBy(() -> restorer.restore(opts))
            .isInstanceOfSatisfying(
                RestoreException.class,
                e -> {
                  assertThat(e.reason()).isEqualTo(RestoreException.Reason.TARGET_NOT_AVAILABLE);
                  assertThat(e.getMessage())
                      .containsAnyOf(
                          "cannot be restored exactly", "before the oldest restorable point");
                });
        assertThat(out).doesNotExist();
        refused.add(t);
      }
    }
    assertThat(restored).hasSizeGreaterThan(8);
    assertThat(refused).isNotEmpty();

    // points in time across levels: just after each restorable recorded TXID's file was created
    for (long t : restored) {
      if (t <= l0Floor || t == max) {
        continue; // L0 file gone (compacted files carry only their last transaction's time), or the
        // newest
      }
      Path out = dir.resolve("levels-ts-" + t + ".db");
      RestoreResult rr =
          restorer.restore(
              RestoreOptions.of(out)
                  .withTarget(RestoreTarget.timestamp(history.createdAt(t).plusMillis(1))));
      assertRestored(rr, history.states().get(t));
    }
  }

  private static void assertRestored(RestoreResult r, State expected) throws Exception {
    assertThat(r.txid()).isEqualTo(expected.txid());
    assertThat(r.checksumVerified()).isTrue();
    assertThat(DatabaseChecksum.of(r.output()))
        .as("checksum at TXID %d", expected.txid())
        .isEqualTo(expected.checksum());
    DbCompare.assertSameContent(
        expected.dump(), DbCompare.dump(r.output()), "TXID " + expected.txid());
    DbCompare.assertIntegrity(r.output());
    Path parent = r.output().getParent();
    assertThat(parent.resolve(r.output().getFileName() + ".tmp")).doesNotExist();
    assertThat(parent.resolve(r.output().getFileName() + ".restore-ltx.tmp")).doesNotExist();
  }
}
