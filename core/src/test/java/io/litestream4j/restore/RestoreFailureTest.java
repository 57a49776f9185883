package io.litestream4j.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.RetryPolicy;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.restore.RestoreFixtures.History;
import io.litestream4j.restore.RestoreFixtures.State;
import io.litestream4j.testing.BreakingInputStream;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.DirectoryWriteLock;
import io.litestream4j.testing.SqliteCli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad replicas, bad output paths and bad networks: each is a clear {@link RestoreException} (or a
 * successful restore where the fault is survivable), and a failed restore leaves no output, no
 * temporary file and no staging directory behind, and never touches an existing database.
 */
class RestoreFailureTest {
  private static final RetryPolicy NO_WAIT = new RetryPolicy(3, Duration.ZERO, d -> {});

  @TempDir static Path shared;
  static History history;

  @TempDir Path dir;
  Path replica;
  Path outDir;

  @BeforeAll
  static void replicate() throws Exception {
    history = RestoreFixtures.replicate(shared, 8, 7);
  }

  @BeforeEach
  void copyReplica() throws IOException {
    replica = RestoreFixtures.copyReplica(history.replica(), dir.resolve("replica"));
    outDir = Files.createDirectory(dir.resolve("out"));
  }

  private FileReplicaClient client() {
    return new FileReplicaClient(replica);
  }

  private Path l0(long txid) {
    return RestoreFixtures.ltxPath(replica, 0, txid, txid);
  }

  private RestoreOptions options(int parallelism) {
    return RestoreOptions.of(outDir.resolve("db"))
        .withParallelism(parallelism)
        .withRetryPolicy(NO_WAIT);
  }

  private void expectFailure(ThrowingCallable restore, Reason reason, String... fragments)
      throws IOException {
    assertThatThrownBy(restore)
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> {
              assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
              assertThat(e.getMessage()).contains(fragments);
            });
    assertThat(RestoreFixtures.listing(outDir)).as("left behind in the output directory").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void aTruncatedFileIsReported(int parallelism) throws Exception {
    Path victim = l0(3);
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    expectFailure(
        () -> new Restorer(client()).restore(options(parallelism)),
        Reason.CORRUPT_REPLICA,
        "0000000000000003-0000000000000003.ltx",
        "failed verification",
        "nothing was written");
  }

  @Test
  void aZeroByteFileIsReported() throws Exception {
    Files.write(l0(2), new byte[0]);
    expectFailure(
        () -> new Restorer(client()).restore(options(4)),
        Reason.CORRUPT_REPLICA,
        "L0/0000000000000002-0000000000000002.ltx",
        "is 0 bytes long");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void aFlippedBitIsReported(int parallelism) throws Exception {
    Path victim = l0(4);
    byte[] b = Files.readAllBytes(victim);
    b[b.length / 2] ^= 0x10;
    Files.write(victim, b);
    expectFailure(
        () -> new Restorer(client()).restore(options(parallelism)),
        Reason.CORRUPT_REPLICA,
        "0000000000000004-0000000000000004.ltx",
        "failed verification");
  }

  @Test
  void aMissingFileIsAGapNamingTheMissingRange() throws Exception {
    Files.delete(l0(3));
    expectFailure(
        () -> new Restorer(client()).restore(options(4)),
        Reason.GAP,
        "TXIDs 0000000000000003-0000000000000003 are missing");
  }

  @Test
  void aReplicaThatDoesNotExistHasNoBackups() throws Exception {
    expectFailure(
        () -> new Restorer(new FileReplicaClient(dir.resolve("nope"))).restore(options(4)),
        Reason.NO_BACKUPS,
        "no backup files found on file replica at " + dir.resolve("nope"));
  }

  @Test
  void aTargetBeyondTheReplicaSaysWhatItHolds() throws Exception {
    long max = client().ltxFiles(0, 0).getLast().maxTxid();
    expectFailure(
        () -> new Restorer(client()).restore(options(4).withTarget(RestoreTarget.txid(max + 1))),
        Reason.TARGET_NOT_AVAILABLE,
        "is not available",
        "holds TXIDs 0000000000000001-");
  }

  @Test
  void anOutputPathThatIsADirectoryIsRefused() throws Exception {
    Path target = Files.createDirectory(outDir.resolve("db"));
    assertThatThrownBy(() -> new Restorer(client()).restore(options(4)))
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.OUTPUT_UNWRITABLE);
              assertThat(e.getMessage()).contains(target.toString(), "is a directory");
            });
    assertThat(RestoreFixtures.listing(outDir)).containsExactly("db");
  }

  @Test
  void anUnwritableOutputDirectoryIsReported() throws Exception {
    try (DirectoryWriteLock lock = DirectoryWriteLock.lock(outDir)) {
      assertThatThrownBy(() -> new Restorer(client()).restore(options(4)))
          .isInstanceOfSatisfying(
              RestoreException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(Reason.OUTPUT_UNWRITABLE);
                assertThat(e.getMessage())
                    .contains(outDir.resolve("db").toString(), lock.expectedReason());
              });
    }
    assertThat(RestoreFixtures.listing(outDir)).isEmpty();
  }

  @Test
  void anExistingDatabaseIsNeverReplacedWithoutForce() throws Exception {
    Path out = outDir.resolve("db");
    SqliteCli.create().run(out, "CREATE TABLE mine(x); INSERT INTO mine VALUES (42);");
    byte[] before = Files.readAllBytes(out);
    assertThatThrownBy(() -> new Restorer(client()).restore(options(4)))
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.OUTPUT_EXISTS);
              assertThat(e.getMessage()).contains("a database already exists there", "-force");
            });
    assertThat(Files.readAllBytes(out)).isEqualTo(before);
    assertThat(RestoreFixtures.listing(outDir)).containsExactly("db");

    Files.write(outDir.resolve("db-wal"), new byte[] {1, 2, 3});
    Files.write(outDir.resolve("db-shm"), new byte[] {4});
    RestoreResult r = new Restorer(client()).restore(options(4).withForce(true));
    assertThat(RestoreFixtures.listing(outDir)).containsExactly("db");
    assertRestoredLatest(r);
  }

  @Test
  void anEmptyFileMayBeReplacedButAStaleWalIsRefused() throws Exception {
    Path out = outDir.resolve("db");
    Files.write(out, new byte[0]);
    Files.write(outDir.resolve("db-wal"), new byte[] {1});
    expectFailureKeeping(
        () -> new Restorer(client()).restore(options(1)),
        Reason.OUTPUT_EXISTS,
        "db-wal exists and would be applied to the restored database",
        "db",
        "db-wal");
    Files.delete(outDir.resolve("db-wal"));
    assertRestoredLatest(new Restorer(client()).restore(options(1)));
  }

  private void expectFailureKeeping(
      ThrowingCallable restore, Reason reason, String fragment, String... kept) throws IOException {
    assertThatThrownBy(restore)
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage()).contains(fragment);
            });
    assertThat(RestoreFixtures.listing(outDir)).containsExactly(kept);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void droppedConnectionsResumeAtTheirOffset(int parallelism) throws Exception {
    List<Long> resumedAt = new CopyOnWriteArrayList<>();
    ReplicaClient flaky =
        new HookedClient(
            client(),
            (level, min, max, offset, real) -> {
              if (offset > 0) {
                resumedAt.add(offset);
              }
              return BreakingInputStream.failingAfter(real.open(), 3000);
            });
    assertRestoredLatest(new Restorer(flaky).restore(options(parallelism)));
    assertThat(resumedAt).isNotEmpty().allMatch(o -> o % 3000 == 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void aFileDeletedByRetentionMidRestoreIsPlannedAround(int parallelism) throws Exception {
    FileReplicaClient c = client();
    RestoreFixtures.compact(c, 0, 2, 5, 1);
    Path l1 = RestoreFixtures.ltxPath(replica, 1, 2, 5);
    ReplicaClient retention =
        new HookedClient(
            c,
            (level, min, max, offset, real) -> {
              if (level == 1) {
                Files.deleteIfExists(l1); // retention strikes between planning and reading
              }
              return real.open();
            });
    Restorer restorer = new Restorer(retention);
    assertThat(restorer.plan(RestoreTarget.latest()).files()).anyMatch(f -> f.level() == 1);
    RestoreResult r = restorer.restore(options(parallelism));
    assertThat(r.plan().files()).allMatch(f -> f.level() == 0);
    assertRestoredLatest(r);
  }

  @Test
  void filesThatKeepVanishingEndTheRestoreWithAClearError() throws Exception {
    RestoreFixtures.compact(client(), 0, 2, 5, 1);
    ReplicaClient flapping =
        new HookedClient(
            client(),
            (level, min, max, offset, real) -> {
              if (level == 1) {
                throw new LtxFileNotFoundException("L1 file", level, min, max, "gone for now");
              }
              return real.open();
            });
    expectFailure(
        () -> new Restorer(flapping).restore(options(4)),
        Reason.REPLICA_CHANGED,
        "L1/0000000000000002-0000000000000005.ltx vanished",
        "even after re-planning");
  }

  @Test
  void downloadsReallyRunConcurrentlyOnNamedThreads() throws Exception {
    int parallelism = 3;
    String caller = Thread.currentThread().getName();
    CountDownLatch allStarted = new CountDownLatch(parallelism);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    ReplicaClient observed =
        new HookedClient(
            client(),
            (level, min, max, offset, real) -> {
              String name = Thread.currentThread().getName();
              if (name.equals(caller) || name.equals(EarlyStream.THREAD_NAME)) {
                return real.open(); // the streamed file, not staged (test below)
              }
              threads.add(Thread.currentThread().getName());
              maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              try {
                allStarted.countDown();
                allStarted.await(10, TimeUnit.SECONDS); // sequential downloads would stall here
                return real.open();
              } catch (InterruptedException e) {
                throw new IOException(e);
              } finally {
                inFlight.decrementAndGet();
              }
            });
    assertRestoredLatest(new Restorer(observed).restore(options(parallelism)));
    assertThat(maxInFlight.get()).isEqualTo(parallelism);
    assertThat(threads).hasSize(parallelism).allMatch(n -> n.startsWith("l4j-restore-download-"));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void theLargestFileIsStreamedIntoTheMergeAndTheOthersAreStagedFirst(int parallelism)
      throws Exception {
    Map<String, Long> sizes = new ConcurrentHashMap<>();
    Map<String, List<String>> openedBy = new ConcurrentHashMap<>();
    ReplicaClient observed =
        new HookedClient(
            client(),
            (level, min, max, offset, real) -> {
              Path file = RestoreFixtures.ltxPath(replica, level, min, max);
              sizes.put(file.toString(), Files.size(file));
              openedBy
                  .computeIfAbsent(file.toString(), k -> new CopyOnWriteArrayList<>())
                  .add(Thread.currentThread().getName());
              return real.open();
            });
    assertRestoredLatest(new Restorer(observed).restore(options(parallelism)));
    assertThat(sizes).as("files of the plan").hasSizeGreaterThan(2);
    long largest = sizes.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    openedBy.forEach(
        (file, threads) -> {
          assertThat(threads).as("threads that opened %s", file).hasSize(1);
          if (sizes.get(file) == largest) {
            // requested while the others download, read by the merge
            assertThat(threads.getFirst()).isEqualTo(EarlyStream.THREAD_NAME);
          } else {
            // staged: by the download threads, or the caller's with parallelism 1
            assertThat(threads.getFirst()).isNotEqualTo(EarlyStream.THREAD_NAME);
          }
        });
    assertThat(openedBy.values().stream().filter(t -> t.contains(EarlyStream.THREAD_NAME)))
        .as("files streamed instead of staged")
        .hasSize(1);
  }

  @Test
  void filesWithoutChecksumsAreCheckedBySqliteAndABrokenDatabaseIsRefused() throws Exception {
    Path source = dir.resolve("broken.db");
    SqliteCli.create()
        .run(
            source,
            "CREATE TABLE t(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                + " FROM n WHERE i < 2000) INSERT INTO t SELECT randomblob(50) FROM n; CREATE INDEX tx ON t(x);");
    byte[] db = Files.readAllBytes(source);
    int pageSize = 4096;
    for (int i = 2 * pageSize + 100; i < 2 * pageSize + 300; i++) {
      db[i] = (byte) 0x7f; // scribble over a b-tree page
    }
    Path bad = Files.createDirectories(dir.resolve("bad-replica"));
    FileReplicaClient badClient = new FileReplicaClient(bad);
    ByteArrayOutputStream ltx = new ByteArrayOutputStream();
    int pages = db.length / pageSize;
    try (LtxEncoder enc =
        new LtxEncoder(
            ltx,
            LtxHeader.snapshot(pageSize, pages, 1, System.currentTimeMillis())
                .withoutChecksums())) {
      for (int p = 1; p <= pages; p++) {
        enc.writePage(p, java.util.Arrays.copyOfRange(db, (p - 1) * pageSize, p * pageSize));
      }
      enc.finish(0);
    }
    badClient.writeLtxFile(0, 1, 1, new ByteArrayInputStream(ltx.toByteArray()));
    expectFailure(
        () -> new Restorer(badClient).restore(options(4)),
        Reason.INTEGRITY_CHECK_FAILED,
        "failed PRAGMA quick_check",
        "nothing was written");
  }

  @Test
  void restoreIfMissingRestoresOnlyAMissingDatabaseAndStartsFreshWithoutBackups() throws Exception {
    Path db = outDir.resolve("app.db");
    RestoreResult r = Restorer.restoreIfMissing(db, client()).orElseThrow();
    assertThat(r.integrityCheck()).isEqualTo(RestoreOptions.IntegrityCheck.QUICK);
    assertRestoredLatest(r);
    byte[] restored = Files.readAllBytes(db);
    assertThat(Restorer.restoreIfMissing(db, client())).isEmpty();
    assertThat(Files.readAllBytes(db)).isEqualTo(restored);

    Path fresh = outDir.resolve("fresh.db");
    assertThat(Restorer.restoreIfMissing(fresh, new FileReplicaClient(dir.resolve("empty"))))
        .isEmpty();
    assertThat(fresh).doesNotExist();
  }

  private void assertRestoredLatest(RestoreResult r) throws Exception {
    State last = history.states().lastEntry().getValue();
    assertThat(r.txid()).isGreaterThanOrEqualTo(last.txid());
    if (r.txid() == last.txid()) {
      assertThat(DatabaseChecksum.of(r.output())).isEqualTo(last.checksum());
    }
    DbCompare.assertSameContent(last.dump(), DbCompare.dump(r.output()), "latest");
    DbCompare.assertIntegrity(r.output());
  }
}
