package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.LitestreamVfs;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store running for real: an application writes (with its own checkpoints, updates and deletes)
 * for {@value #WRITE_SECONDS}s while replication, compaction into L1 (1s) and L2 (3s), snapshots
 * (5s, kept 10s), retention (grace 2s, L0 kept 2s) and validation (2s) run on their threads against
 * a file replica. Every ~0.7s the source is captured and immediately restored from a plan over all
 * levels; afterwards the database idles. The tests below examine what happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreEndToEndTest {
  private static final int WRITE_SECONDS = 25;
  private static final StoreOptions OPTIONS =
      StoreOptions.DEFAULTS
          .withLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(3)))
          .withSnapshots(Duration.ofSeconds(5), Duration.ofSeconds(10))
          .withL0Retention(Duration.ofSeconds(2), Duration.ofSeconds(1))
          .withRetentionGrace(Duration.ofSeconds(2))
          .withValidationInterval(Duration.ofSeconds(2))
          .withVerifyCompaction(true);

  Path dir;
  Path db;
  Path replicaDir;
  FileReplicaClient client;

  final Map<Long, SourceState> captured = new TreeMap<>();

  /** TXID -> number of files its restore plan needed, when it was captured. */
  final Map<Long, Integer> planSizes = new TreeMap<>();

  /** TXID -> number of those files that were not L0 files. */
  final Map<Long, Integer> compactedInPlan = new TreeMap<>();

  long finalTxid;
  StoreStats stats;
  Optional<ValidationReport> lastValidation;
  List<List<LtxFileInfo>> settled;
  List<List<LtxFileInfo>> afterIdle;
  long compactionsBeforeIdle;
  long snapshotsBeforeIdle;
  long compactionsAfterIdle;
  long snapshotsAfterIdle;
  List<Long> localL0;
  Instant endedAt;

  @BeforeAll
  void replicateWhileWriting(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    db = dir.resolve("app.db");
    replicaDir = dir.resolve("replica");
    client = new FileReplicaClient(replicaDir);
    ReplicationOptions options =
        ReplicationOptions.of(db, replicaDir.toUri().toString())
            .withSyncInterval(Duration.ZERO)
            .withDbOptions(
                DbOptions.DEFAULTS
                    .withMonitorInterval(Duration.ofMillis(50))
                    .withMinCheckpointPageCount(100));
    Random rnd = new Random(2026);
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("PRAGMA busy_timeout=2000");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB, note TEXT)");
        st.execute("CREATE INDEX t_note ON t(note)");
      }
      try (Replication r = Replication.start(options.withStore(OPTIONS))) {
        long end = System.nanoTime() + Duration.ofSeconds(WRITE_SECONDS).toNanos();
        long nextCapture = 0;
        for (int round = 0; System.nanoTime() < end; round++) {
          applicationStep(app, round, rnd);
          Thread.sleep(15); // pacing of the simulated application, not a wait for a condition
          if (System.nanoTime() >= nextCapture) {
            captureAndRestore(r);
            nextCapture = System.nanoTime() + Duration.ofMillis(700).toNanos();
          }
        }
        finalTxid = captureAndRestore(r);

        // Idle: once the store has compacted and snapshotted everything, nothing new may appear.
        await(
            "L2 and a snapshot reach the final TXID " + finalTxid,
            () ->
                Replicas.maxTxid(client, 2) == finalTxid
                    && Replicas.maxTxid(client, LtxFileInfo.SNAPSHOT_LEVEL) == finalTxid);
        // A compacted file is visible on the replica just before the store counts it: let the store
        // finish one more round (validations run on the same thread, after compactions) first.
        long validationsAtSettle = r.store().stats().validations();
        await("one more store round", () -> r.store().stats().validations() > validationsAtSettle);
        settled = Replicas.levels(client);
        compactionsBeforeIdle = r.store().stats().compactions();
        snapshotsBeforeIdle = r.store().stats().snapshots();
        long validations = r.store().stats().validations();
        // Four validation runs (2s apart) span more than a snapshot interval and many compaction
        // ticks.
        await(
            "four more validation runs", () -> r.store().stats().validations() >= validations + 4);
        afterIdle = Replicas.levels(client);
        compactionsAfterIdle = r.store().stats().compactions();
        snapshotsAfterIdle = r.store().stats().snapshots();
        assertThat(r.position().txid()).as("idle database, no new TXIDs").isEqualTo(finalTxid);
        stats = r.store().stats();
        lastValidation = r.store().lastValidation();
        assertThat(r.store().validate().issues()).isEmpty();
        localL0 = new io.litestream4j.db.LocalLtxDir(dir.resolve(".app.db-litestream")).txids();
        endedAt = Instant.now();
      }
    }
  }

  private long captureAndRestore(Replication r) throws Exception {
    long txid = r.syncAndAwait(Duration.ofSeconds(20));
    if (captured.containsKey(txid)) {
      return txid;
    }
    SourceState state = SourceState.capture(txid, db, dir.resolve("capture-" + txid));
    captured.put(txid, state);
    // Restore right away, while compaction and retention keep running.
    List<LtxFileInfo> plan =
        Replicas.plan(client, txid)
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no restore plan for just-replicated TXID " + Txid.format(txid)));
    planSizes.put(txid, plan.size());
    compactedInPlan.put(txid, (int) plan.stream().filter(f -> f.level() != LtxFileInfo.L0).count());
    state.assertRestoredBy(client, plan, dir.resolve("restore-" + txid + ".db"));
    return txid;
  }

  private static void applicationStep(Connection app, int round, Random rnd) throws Exception {
    app.setAutoCommit(false);
    try (PreparedStatement ins = app.prepareStatement("INSERT INTO t (body, note) VALUES (?, ?)")) {
      for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
        byte[] body = new byte[100 + rnd.nextInt(700)];
        rnd.nextBytes(body);
        ins.setBytes(1, body);
        ins.setString(2, "round " + round + " row " + i);
        ins.executeUpdate();
      }
    }
    try (Statement st = app.createStatement()) {
      if (round % 5 == 0) {
        st.execute("UPDATE t SET note = 'updated in " + round + "' WHERE id % 11 = " + round % 11);
      }
      if (round % 13 == 0) {
        st.execute("DELETE FROM t WHERE id % 17 = " + round % 17);
      }
    }
    app.commit();
    app.setAutoCommit(true);
    if (round % 40 == 0) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(PASSIVE)");
      }
    }
  }

  private static void await(String what, BooleanSupplierWithException condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(50);
    }
  }

  @FunctionalInterface
  private interface BooleanSupplierWithException {
    boolean getAsBoolean() throws Exception;
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void theReplicaHoldsCompactedLevelsAndSnapshots() {
    assertThat(captured.size()).as("captures restored during the run").isGreaterThanOrEqualTo(20);
    assertThat(finalTxid).as("history length").isGreaterThan(150);
    assertThat(settled.get(1)).isNotEmpty();
    assertThat(settled.get(2)).isNotEmpty();
    assertThat(settled.get(LtxFileInfo.SNAPSHOT_LEVEL)).isNotEmpty();
    for (int level = 3; level < LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      assertThat(settled.get(level)).as("L%d is not configured", level).isEmpty();
    }
    assertThat(stats.compactions()).isGreaterThan(WRITE_SECONDS);
    assertThat(stats.snapshots()).isGreaterThanOrEqualTo(WRITE_SECONDS / 5);
  }

  @Test
  void oldFilesAreDeletedSoTheReplicaStaysBounded() {
    assertThat(stats.deletedFiles()).isPositive();
    List<LtxFileInfo> snapshots = afterIdle.get(LtxFileInfo.SNAPSHOT_LEVEL);
    LtxFileInfo newest = LevelFiles.newest(snapshots).orElseThrow();
    // expired after 10s, noticed within a snapshot interval (5s), deleted after the 2s grace
    for (LtxFileInfo s : snapshots) {
      if (!s.equals(newest)) {
        assertThat(Duration.between(s.createdAt(), endedAt))
            .as("age of %s", s)
            .isLessThan(Duration.ofSeconds(20));
      }
    }
    assertThat(snapshots.size()).isLessThanOrEqualTo(5);
    assertThat(afterIdle.get(1).getFirst().minTxid()).as("old L1 files are gone").isGreaterThan(1);
    assertThat(afterIdle.get(2).getFirst().minTxid()).as("old L2 files are gone").isGreaterThan(1);
    assertThat(afterIdle.get(0).getFirst().minTxid())
        .as("old L0 files are gone")
        .isGreaterThan(finalTxid / 2);
    assertThat(afterIdle.get(0).size())
        .as("L0 files left of %d TXIDs", finalTxid)
        .isLessThan((int) finalTxid / 3);
    assertThat(localL0.size()).as("local L0 files %s", localL0).isLessThanOrEqualTo(2);
  }

  @Test
  void theFilesARestoreNeedsStayBoundedAsHistoryGrows() {
    System.out.println(
        "restore plan sizes (TXID=files): "
            + planSizes
            + "; of which compacted: "
            + compactedInPlan);
    // A snapshot (every 5s), the L2 files since (3s each, plus cuts at snapshots), the L1 files
    // since the last L2 file (1s each) and the L0 files of the last second or so: bounded by the
    // intervals and the commit rate, not by the length of the history.
    int compacted =
        compactedInPlan.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(compacted)
        .as("snapshot + L2 + L1 files per plan %s", compactedInPlan)
        .isLessThanOrEqualTo(15);
    long txidsPerSecond = finalTxid / WRITE_SECONDS;
    int max = planSizes.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(max)
        .as("files per plan at %d TXIDs/s: %s", txidsPerSecond, planSizes)
        .isLessThanOrEqualTo((int) (15 + 3 * txidsPerSecond));
    List<Integer> sizes = List.copyOf(planSizes.values());
    int late =
        sizes.subList(sizes.size() * 2 / 3, sizes.size()).stream()
            .mapToInt(Integer::intValue)
            .max()
            .orElseThrow();
    assertThat(late)
        .as("late plans stay far below the history length %d", finalTxid)
        .isLessThan((int) finalTxid / 8);
  }

  @Test
  void restoresAtManyPointsMatchTheSourceAsItWasThen() throws Exception {
    // Every capture was restored right after it was taken, while compaction and retention ran (in
    // the setup). Now that L0 is gone, a restore can still reach every file boundary at or above
    // the oldest snapshot: each is rebuilt with its checksums proven, and where the source was
    // captured at that TXID it must match the capture.
    List<List<LtxFileInfo>> levels = Replicas.levels(client);
    long floor =
        levels.get(LtxFileInfo.SNAPSHOT_LEVEL).stream()
            .mapToLong(LtxFileInfo::maxTxid)
            .min()
            .orElseThrow();
    Set<Long> boundaries = new TreeSet<>();
    for (int level = 1; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      levels.get(level).stream()
          .map(LtxFileInfo::maxTxid)
          .filter(t -> t >= floor)
          .forEach(boundaries::add);
    }
    boundaries.add(finalTxid);
    int compared = 0;
    for (long txid : boundaries) {
      List<LtxFileInfo> plan =
          Replicas.plan(levels, txid)
              .orElseThrow(
                  () ->
                      new AssertionError(
                          "no restore plan for boundary TXID "
                              + Txid.format(txid)
                              + " in "
                              + levels));
      Path out = dir.resolve("late-restore-" + txid + ".db");
      SourceState state = captured.get(txid);
      if (state != null) {
        state.assertRestoredBy(client, plan, out);
        compared++;
      } else {
        assertThat(Replicas.restore(client, plan, out).txid()).isEqualTo(txid);
        DbCompare.assertIntegrity(out);
      }
    }
    // Snapshot retention may have left only the newest snapshot (at the final TXID) by the time the
    // idle phase ends, so the boundaries can be that one TXID; more on an unloaded machine.
    assertThat(compared).as("the final TXID at least").isPositive();
  }

  @Test
  void validationAndVerifyCompactionFoundNothing() {
    assertThat(stats.validations()).isGreaterThanOrEqualTo(WRITE_SECONDS / 2);
    assertThat(stats.validationIssues()).as("last: %s", lastValidation).isZero();
    assertThat(stats.compactionVerifyErrors()).isZero();
    assertThat(stats.failures()).as("last failure: %s", stats.lastFailure()).isZero();
    assertThat(lastValidation).hasValueSatisfying(v -> assertThat(v.valid()).isTrue());
  }

  @Test
  void anIdleDatabaseCreatesNoNewSnapshotsOrCompactions() {
    assertThat(compactionsAfterIdle).isEqualTo(compactionsBeforeIdle);
    assertThat(snapshotsAfterIdle).isEqualTo(snapshotsBeforeIdle);
    for (int level = 1; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      Set<String> before = names(settled.get(level));
      assertThat(before).as("L%d after idling", level).containsAll(names(afterIdle.get(level)));
    }
  }

  @Test
  void litestreamVfsReadsTheCompactedReplica() throws Exception {
    LitestreamVfs vfs = LitestreamVfs.assumeAvailable();
    String probe =
        "SELECT count(*), sum(length(body)), max(id), min(note) FROM t;\n"
            + "SELECT id, note, hex(substr(body, 1, 16)) FROM t WHERE id % 97 = 0 ORDER BY id;\n";
    String expected = SqliteCli.create().run(db, probe);
    String viaVfs =
        vfs.query(replicaDir, "SELECT litestream_txid();\n" + probe + "PRAGMA integrity_check;");
    assertThat(viaVfs).isEqualTo(String.format("%016x", finalTxid) + "\n" + expected + "ok\n");
  }

  private static Set<String> names(List<LtxFileInfo> files) {
    Set<String> out = new HashSet<>();
    files.forEach(f -> out.add(f.name()));
    return out;
  }
}
