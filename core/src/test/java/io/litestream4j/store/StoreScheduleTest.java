package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.db.Database;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.Replica;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.ManualClock;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's schedule driven by a manual clock over a real database and file replica: which jobs
 * run at which boundary, that an idle database produces nothing, and that a restart does not repeat
 * a snapshot within its interval.
 */
class StoreScheduleTest {
  private static final StoreOptions OPTIONS =
      StoreOptions.DEFAULTS
          .withLevels(List.of(Duration.ofSeconds(1), Duration.ofSeconds(3)))
          .withSnapshots(Duration.ofSeconds(5), Duration.ofMinutes(10))
          .withL0Retention(Duration.ofMinutes(10), Duration.ofSeconds(15))
          .withBackground(false);

  @TempDir Path dir;
  ManualClock clock;
  FileReplicaClient client;
  Replica replica;
  Database database;
  Connection app;
  List<Store> stores = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    // A little after a 30s boundary, so the first ticks are predictable.
    long now = System.currentTimeMillis();
    clock = new ManualClock(Instant.ofEpochMilli(now - now % 30_000 + 30_000 + 100));
    Path db = dir.resolve("app.db");
    app = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)");
    }
    client = new FileReplicaClient(dir.resolve("replica"));
    replica = new Replica(client, Duration.ZERO, "app.db");
    database =
        new Database(
            db,
            DbOptions.DEFAULTS,
            new LocalLtxDir(LocalLtxDir.defaultMetaDir(db)),
            replica,
            replica::onSynced,
            Clock.systemUTC());
    replica.start(database.l0Files());
  }

  @AfterEach
  void tearDown() throws Exception {
    stores.forEach(Store::close);
    replica.shutdown(Duration.ofSeconds(5), Duration.ofMillis(50));
    database.close();
    app.close();
  }

  private Store store(StoreOptions options, Clock c) {
    Store s = Store.open(database, client, options, c);
    stores.add(s);
    s.start();
    return s;
  }

  private void write() throws Exception {
    try (Statement st = app.createStatement()) {
      st.execute("INSERT INTO t (body) VALUES (randomblob(500))");
    }
    replica.awaitReplicated(database.sync().txid(), Duration.ofSeconds(10));
  }

  private Set<String> names(int level) throws Exception {
    Set<String> out = new HashSet<>();
    client.ltxFiles(level, 1).forEach(f -> out.add(f.name()));
    return out;
  }

  @Test
  void jobsRunOnTheirBoundariesAndAnIdleDatabaseProducesNothing() throws Exception {
    write();
    Store store = store(OPTIONS, clock);
    long next = store.runDue();
    assertThat(names(1)).hasSize(1);
    assertThat(names(2)).hasSize(1);
    assertThat(names(9))
        .containsExactly(
            "0000000000000001-" + String.format("%016x", database.position().txid()) + ".ltx");
    assertThat(next).as("next: the next 1s boundary").isEqualTo(clock.millis() - 100 + 1000);

    for (int second = 1; second <= 15; second++) {
      write();
      clock.advance(Duration.ofSeconds(1));
      store.runDue();
    }
    // 1 + 15 L1 files; L2 at 0s and every 3s, cut where a snapshot (0s and every 5s) fell inside:
    // [1] [2-4] [5-6|7] [8-10] [11|12-13] [14-16].
    assertThat(names(1)).hasSize(16);
    assertThat(names(2))
        .containsExactlyInAnyOrder(
            "0000000000000001-0000000000000001.ltx",
            "0000000000000002-0000000000000004.ltx",
            "0000000000000005-0000000000000006.ltx",
            "0000000000000007-0000000000000007.ltx",
            "0000000000000008-000000000000000a.ltx",
            "000000000000000b-000000000000000b.ltx",
            "000000000000000c-000000000000000d.ltx",
            "000000000000000e-0000000000000010.ltx");
    assertThat(names(9)).hasSize(4);
    assertThat(store.stats().compactions()).isEqualTo(24);
    assertThat(store.stats().snapshots()).isEqualTo(4);
    assertThat(store.validate().issues()).isEmpty();

    Set<String> l1 = names(1);
    Set<String> l2 = names(2);
    Set<String> l9 = names(9);
    long txid = database.position().txid();
    for (int second = 0; second < 20; second++) {
      clock.advance(Duration.ofSeconds(1));
      store.runDue();
    }
    assertThat(database.position().txid()).as("no bookkeeping TXIDs while idle").isEqualTo(txid);
    assertThat(names(1)).isEqualTo(l1);
    assertThat(names(2)).isEqualTo(l2);
    assertThat(names(9)).isEqualTo(l9);
    assertThat(store.snapshotNow(false)).isEmpty();
    assertThat(store.stats().compactions()).isEqualTo(24);
    assertThat(store.stats().snapshots()).isEqualTo(4);
    assertThat(store.stats().failures()).isZero();
  }

  @Test
  void aRestartDoesNotSnapshotAgainWithinTheInterval() throws Exception {
    StoreOptions daily = OPTIONS.withSnapshots(Duration.ofHours(24), Duration.ofHours(48));
    ManualClock now = new ManualClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    write();
    store(daily, now).runDue();
    assertThat(names(9)).hasSize(1);
    write(); // the database changed, but today's snapshot exists
    store(daily, now).runDue();
    assertThat(names(9)).as("restarted store: first snapshot skipped").hasSize(1);
    now.advance(Duration.ofHours(24));
    Store third = store(daily, now);
    third.runDue();
    assertThat(names(9)).hasSize(2);
  }

  @Test
  void verifyCompactionAndValidationReportAHoleAndL0RetentionKeepsWhatIsInIt() throws Exception {
    write();
    write();
    Store store =
        store(
            OPTIONS
                .withVerifyCompaction(true)
                .withL0Retention(Duration.ofSeconds(1), Duration.ofSeconds(1)),
            clock);
    store.compact(1);
    long n = database.position().txid();
    // A file written by someone else lands in L1 ahead of L0: L1 now has a hole at n+1..n+2.
    client.writeLtxFile(1, n + 3, n + 3, new ByteArrayInputStream(strayLtx(n + 3)));
    for (int i = 0; i < 4; i++) {
      write();
    }
    assertThat(store.compact(1)).extracting(LtxFileInfo::minTxid).containsExactly(n + 4);
    assertThat(store.stats().compactionVerifyErrors()).isEqualTo(1);

    ValidationReport report = store.validate();
    assertThat(report.issues())
        .extracting(ValidationIssue::kind)
        .containsExactly(ValidationIssue.Kind.GAP);
    assertThat(store.stats().validationIssues()).isEqualTo(1);
    assertThat(store.lastValidation()).contains(report);

    store.enforceL0Retention();
    clock.advance(Duration.ofSeconds(1));
    RetentionResult r = store.enforceL0Retention();
    assertThat(r.deleted())
        .extracting(LtxFileInfo::maxTxid)
        .as("L0 files inside L1 [1..%d]", n)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, n).boxed().toList());
    assertThat(client.ltxFiles(0, 1))
        .extracting(LtxFileInfo::minTxid)
        .as("the hole stays in L0")
        .startsWith(n + 1, n + 2);
  }

  private byte[] strayLtx(long txid) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (LtxEncoder enc =
        new LtxEncoder(
            out,
            LtxHeader.incremental(
                4096, 1, txid, txid, clock.millis(), io.litestream4j.ltx.Checksums.FLAG | 1))) {
      enc.writePage(1, new byte[4096]);
      enc.finish(io.litestream4j.ltx.Checksums.FLAG | 2);
    }
    return out.toByteArray();
  }

  @Test
  void anIdleStoreWakesOnceEveryL0CheckIntervalForAllItsHousekeeping() throws Exception {
    StoreOptions defaults = StoreOptions.DEFAULTS.withBackground(false);
    write();
    Store store = store(defaults, clock);
    long start = clock.millis();
    long next = store.runDue();
    Path stale =
        dir.resolve("replica/ltx/0/0000000000000001-0000000000000001.ltx.0123456789abcdef.tmp");
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "interrupted upload");
    Files.setLastModifiedTime(
        stale, FileTime.from(Instant.ofEpochMilli(start).minus(Duration.ofHours(2))));

    List<Long> wakes = new ArrayList<>();
    while (next - start <= 300_000) {
      clock.set(Instant.ofEpochMilli(next));
      wakes.add(next - start);
      next = store.runDue();
    }
    assertThat(store.stats().failures()).isZero();
    assertThat(stale).as("swept at the first L0 check").doesNotExist();
    // Start (0.1 s past a 30 s boundary), the first L0 check 15 s later, then every L1 boundary and
    // the L0 check half-way between them: one wake-up every 15 s for L0 retention, the base check,
    // the temporary-file sweep and the compactions together.
    List<Long> expected = new ArrayList<>(List.of(15_000L));
    for (long t = 29_900; t <= 300_000; t += 15_000) {
      expected.add(t);
    }
    assertThat(wakes).containsExactlyElementsOf(expected);
    for (int i = 1; i < wakes.size(); i++) {
      assertThat(wakes.get(i) - wakes.get(i - 1))
          .as("L0 checks stay at most the interval apart")
          .isBetween(7_500L, 15_000L);
    }
  }
}
