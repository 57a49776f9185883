package io.litestream4j.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ReplicaClient} must have, run against each backend's real (or, where
 * none runs here, vendor-faked) store. A backend's test extends this class and supplies a client on
 * a fresh, empty replica; optional hooks unlock the checks a backend can support (raw access to the
 * store for layout and junk-entry checks, a missing bucket, wrong credentials).
 *
 * <p>What is checked: the Litestream layout of a written file, ordered listing per level with
 * {@code seek} meaning "min TXID at least seek" (not Litestream's exact-prefix match on gs/abs),
 * exact header timestamps, atomic visibility of a written or rewritten file, ranged and resumable
 * reads, rejecting non-LTX data, deletes of many files, missing files, concurrent writers, and
 * clear errors for a missing bucket/container and wrong credentials.
 */
public abstract class ReplicaClientContract {

  protected static final Instant T1 = Instant.parse("2024-05-06T07:08:09.123Z");
  protected static final Instant T2 = Instant.parse("2025-01-02T03:04:05.670Z");

  protected ReplicaClient client;

  /** A client on a fresh, empty replica (its own bucket, container, directory or prefix). */
  protected abstract ReplicaClient newClient() throws Exception;

  /**
   * Direct access to the objects under the replica's path, bypassing the client; empty when the
   * backend offers none (the layout and junk-entry checks are then skipped).
   */
  protected Optional<RawStore> rawStore() {
    return Optional.empty();
  }

  /** The directory (relative to the replica path) holding a level's files: Litestream's layout. */
  protected String levelDirectory(int level) {
    return "ltx/" + level;
  }

  /**
   * Whether {@link ReplicaClient#ltxFiles} already reports the header timestamp (true everywhere
   * except S3 and OSS, where a listing reports the upload time).
   */
  protected boolean listingHasExactTimestamps() {
    return true;
  }

  /**
   * Whether the store under test may be used from several threads at once: false only for an
   * in-memory fake that is not thread-safe itself (google-cloud-nio's), never for a real store. The
   * concurrency checks are then skipped.
   */
  protected boolean storeIsThreadSafe() {
    return true;
  }

  /** How many files the paging test lists and deletes: enough to cross the store's page size. */
  protected int manyFiles() {
    return 1100;
  }

  /**
   * A client whose bucket/container does not exist, and what its error must say; empty when the
   * backend has no such notion (a file replica creates its directory).
   */
  protected Optional<ExpectedFailure> missingContainer() throws Exception {
    return Optional.empty();
  }

  /**
   * A client with credentials the store rejects, and what its error must (and must not) say; empty
   * when the backend cannot provoke this here.
   */
  protected Optional<ExpectedFailure> wrongCredentials() throws Exception {
    return Optional.empty();
  }

  /** The objects of one replica, addressed by paths relative to the replica path. */
  public interface RawStore {
    void put(String relativePath, byte[] data) throws IOException;

    /** The object's bytes, or empty if there is none. */
    Optional<byte[]> get(String relativePath) throws IOException;

    /** A replica whose objects are files below {@code root} (file and SFTP backends). */
    static RawStore directory(Path root) {
      return new RawStore() {
        @Override
        public void put(String relativePath, byte[] data) throws IOException {
          Path file = root.resolve(relativePath);
          Files.createDirectories(file.getParent());
          Files.write(file, data);
        }

        @Override
        public Optional<byte[]> get(String relativePath) throws IOException {
          try {
            return Optional.of(Files.readAllBytes(root.resolve(relativePath)));
          } catch (NoSuchFileException e) {
            return Optional.empty();
          }
        }
      };
    }
  }

  /**
   * A misconfigured client and the message parts its first failing operation must contain (so the
   * user learns what is wrong) and must not contain (secrets).
   */
  public record ExpectedFailure(
      ReplicaClient client, List<String> mentions, List<String> secrets) {}

  @BeforeEach
  void openClient() throws Exception {
    client = newClient();
  }

  @AfterEach
  void closeClient() throws Exception {
    if (client != null) {
      client.close();
    }
  }

  protected LtxFileInfo write(int level, long min, long max, Instant ts, int body)
      throws IOException {
    return client.writeLtxFile(
        level, min, max, new ByteArrayInputStream(TestLtx.bytes(min, max, ts, body)));
  }

  protected byte[] readAll(int level, long min, long max, long offset, long length)
      throws IOException {
    try (InputStream in = client.openLtxFile(level, min, max, offset, length)) {
      return in.readAllBytes();
    }
  }

  protected String relativePath(int level, long min, long max) {
    return levelDirectory(level) + "/" + new LtxFileInfo(level, min, max, 0, T1).name();
  }

  @Test
  void storesFilesInLitestreamsLayout() throws IOException {
    RawStore raw = requireRawStore();
    byte[] data = TestLtx.bytes(1, 1, T1, 300);
    LtxFileInfo info = client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(data));
    assertThat(info).isEqualTo(new LtxFileInfo(0, 1, 1, data.length, T1));
    assertThat(raw.get(relativePath(0, 1, 1)))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(data));

    byte[] snapshot = TestLtx.bytes(1, 0x1f, T2, 10);
    client.writeLtxFile(9, 1, 0x1f, new ByteArrayInputStream(snapshot));
    assertThat(raw.get(relativePath(9, 1, 0x1f)))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(snapshot));
  }

  @Test
  void listsOneLevelInTxidOrderFromSeekWithExactTimestamps() throws IOException {
    for (long txid : new long[] {5, 1, 3, 2, 4}) {
      write(0, txid, txid, T1.plusSeconds(txid), 10 * (int) txid);
    }
    write(1, 1, 5, T2, 1);

    List<LtxFileInfo> all = client.ltxFiles(0, 0);
    assertThat(all).extracting(LtxFileInfo::minTxid).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all).extracting(LtxFileInfo::size).containsExactly(110L, 120L, 130L, 140L, 150L);
    assertThat(all).allSatisfy(f -> assertThat(f.level()).isZero());
    List<Instant> expected =
        List.of(
            T1.plusSeconds(1),
            T1.plusSeconds(2),
            T1.plusSeconds(3),
            T1.plusSeconds(4),
            T1.plusSeconds(5));
    assertThat(client.ltxFilesWithExactTimestamps(0, 0))
        .extracting(LtxFileInfo::createdAt)
        .containsExactlyElementsOf(expected);
    if (listingHasExactTimestamps()) {
      assertThat(all).extracting(LtxFileInfo::createdAt).containsExactlyElementsOf(expected);
    }

    assertThat(client.ltxFiles(0, 3)).extracting(LtxFileInfo::minTxid).containsExactly(3L, 4L, 5L);
    assertThat(client.ltxFilesWithExactTimestamps(0, 5))
        .containsExactly(new LtxFileInfo(0, 5, 5, 150, T1.plusSeconds(5)));
    assertThat(client.ltxFiles(0, 6)).isEmpty();
    assertThat(client.ltxFiles(1, 0))
        .extracting(LtxFileInfo::name)
        .containsExactly("0000000000000001-0000000000000005.ltx");
    assertThat(client.ltxFilesWithExactTimestamps(1, 0))
        .containsExactly(new LtxFileInfo(1, 1, 5, 101, T2));
    assertThat(client.ltxFiles(2, 0)).isEmpty();
    assertThat(client.ltxFilesWithExactTimestamps(9, 0)).isEmpty();
  }

  @Test
  void seekMeansMinTxidAtLeastSeekNotAnExactPrefix() throws IOException {
    write(1, 1, 0x10, T1, 1);
    write(1, 0x11, 0x20, T1, 1);
    write(1, 0x11, 0x1f, T1, 1);
    write(1, 0x21, 0x30, T1, 1);
    write(1, 0x100, 0x100, T1, 1);
    assertThat(client.ltxFiles(1, 0x11))
        .extracting(LtxFileInfo::name)
        .containsExactly(
            "0000000000000011-000000000000001f.ltx",
            "0000000000000011-0000000000000020.ltx",
            "0000000000000021-0000000000000030.ltx",
            "0000000000000100-0000000000000100.ltx");
    // No file starts at 0x12 or 0x22: Litestream's gs/abs clients return nothing here.
    assertThat(client.ltxFiles(1, 0x12))
        .extracting(LtxFileInfo::minTxid)
        .containsExactly(0x21L, 0x100L);
    assertThat(client.ltxFilesWithExactTimestamps(1, 0x22))
        .extracting(LtxFileInfo::minTxid)
        .containsExactly(0x100L);
    assertThat(client.ltxFiles(1, 0x101)).isEmpty();
  }

  @Test
  void ordersFilesWithTheSameMinTxidByMaxTxid() throws IOException {
    write(1, 1, 10, T1, 1);
    write(1, 1, 5, T1, 1);
    write(1, 6, 10, T1, 1);
    assertThat(client.ltxFiles(1, 1))
        .extracting(LtxFileInfo::name)
        .containsExactly(
            "0000000000000001-0000000000000005.ltx",
            "0000000000000001-000000000000000a.ltx",
            "0000000000000006-000000000000000a.ltx");
  }

  @Test
  void listingIgnoresEntriesThatAreNotLtxFiles() throws IOException {
    RawStore raw = requireRawStore();
    write(0, 1, 1, T1, 1);
    String dir = levelDirectory(0);
    for (String junk :
        List.of(
            "notes.txt",
            "000000000000000A-000000000000000A.ltx",
            "0000000000000003-0000000000000003.ltx.tmp",
            "0000000000000004-0000000000000004.ltx.0123abcd.tmp",
            "00000000000000005-0000000000000005.ltx",
            "sub/0000000000000006-0000000000000006.ltx")) {
      raw.put(dir + "/" + junk, "junk".getBytes());
    }
    raw.put(dir + "0/0000000000000007-0000000000000007.ltx", "junk".getBytes());
    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L);
    assertThat(client.ltxFilesWithExactTimestamps(0, 0))
        .extracting(LtxFileInfo::minTxid)
        .containsExactly(1L);
  }

  @Test
  void listsAllLevelsAtOnceExactlyAsLevelByLevel() throws IOException {
    write(0, 3, 3, T1, 1);
    write(0, 4, 4, T1, 1);
    write(1, 1, 4, T1, 1);
    write(3, 1, 4, T1, 1);
    write(9, 1, 2, T1, 1);
    write(9, 1, 4, T1, 1);
    Optional<RawStore> raw = rawStore();
    if (raw.isPresent()) {
      raw.get().put(levelDirectory(0) + "/notes.txt", "junk".getBytes());
      raw.get()
          .put(levelDirectory(9) + "/sub/0000000000000005-0000000000000005.ltx", "x".getBytes());
    }
    List<List<LtxFileInfo>> all = client.ltxFilesOfAllLevels();
    assertThat(all).hasSize(LtxFileInfo.SNAPSHOT_LEVEL + 1);
    for (int level = LtxFileInfo.L0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      assertThat(all.get(level)).as("level %d", level).isEqualTo(client.ltxFiles(level, 0));
    }
    assertThat(all.get(9))
        .extracting(LtxFileInfo::minTxid, LtxFileInfo::maxTxid)
        .containsExactly(tuple(1L, 2L), tuple(1L, 4L));
  }

  @Test
  void listsAndDeletesMoreFilesThanOnePage() throws Exception {
    int n = manyFiles();
    var infos = new ArrayList<LtxFileInfo>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            storeIsThreadSafe() ? 8 : 1, r -> new Thread(r, "contract-writer"));
    try {
      var futures = new ArrayList<Future<LtxFileInfo>>();
      for (int txid = 1; txid <= n; txid++) {
        long t = txid;
        futures.add(pool.submit(() -> write(0, t, t, T1, 0)));
      }
      for (var f : futures) {
        infos.add(f.get(2, TimeUnit.MINUTES));
      }
    } finally {
      pool.shutdownNow();
    }
    List<LtxFileInfo> listed = client.ltxFiles(0, 0);
    assertThat(listed).hasSize(n);
    assertThat(listed)
        .extracting(LtxFileInfo::minTxid)
        .isSorted()
        .startsWith(1L)
        .endsWith((long) n);
    assertThat(client.ltxFiles(0, 1001))
        .hasSize(n - 1000)
        .first()
        .extracting(LtxFileInfo::minTxid)
        .isEqualTo(1001L);

    int deleted = n - 50;
    client.deleteLtxFiles(infos.subList(0, deleted));
    assertThat(client.ltxFiles(0, 0))
        .extracting(LtxFileInfo::minTxid)
        .containsExactlyElementsOf(
            infos.subList(deleted, n).stream().map(LtxFileInfo::minTxid).toList());
  }

  @Test
  void rangedReads() throws IOException {
    byte[] data = TestLtx.bytes(7, 9, T1, 1000);
    client.writeLtxFile(2, 7, 9, new ByteArrayInputStream(data));

    assertThat(readAll(2, 7, 9, 0, 0)).isEqualTo(data);
    assertThat(readAll(2, 7, 9, 100, 0)).isEqualTo(Arrays.copyOfRange(data, 100, data.length));
    assertThat(readAll(2, 7, 9, 0, 16)).isEqualTo(Arrays.copyOfRange(data, 0, 16));
    assertThat(readAll(2, 7, 9, 32, 8)).isEqualTo(Arrays.copyOfRange(data, 32, 40));
    assertThat(readAll(2, 7, 9, 1090, 50)).isEqualTo(Arrays.copyOfRange(data, 1090, 1100));
    assertThat(readAll(2, 7, 9, 1099, 1)).isEqualTo(Arrays.copyOfRange(data, 1099, 1100));
    assertThat(readAll(2, 7, 9, 1100, 0)).isEmpty();
    assertThat(readAll(2, 7, 9, 5000, 10)).isEmpty();
    assertThatThrownBy(() -> client.openLtxFile(2, 7, 9, -1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resumableReadsAndEarlyClosesLeaveTheClientUsable() throws IOException {
    byte[] data = TestLtx.bytes(1, 1, T1, 2_000_000);
    LtxFileInfo info = client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(data));
    for (int i = 0; i < 20; i++) {
      try (InputStream in = client.openLtxFile(0, 1, 1, 0, 0)) {
        assertThat(in.readNBytes(100)).isEqualTo(Arrays.copyOf(data, 100));
      }
    }
    RetryPolicy policy = new RetryPolicy(2, Duration.ZERO, RetryPolicy.Sleeper.THREAD);
    try (InputStream in = ResumableInputStream.open(client, info, policy)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    try (InputStream in = ResumableInputStream.open(client, info, 1_234_567, 100_000, policy)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1_234_567, 1_334_567));
    }
  }

  @Test
  void openingAMissingFileSaysWhichOne() {
    assertThatThrownBy(() -> client.openLtxFile(3, 4, 5, 0, 0))
        .isInstanceOf(LtxFileNotFoundException.class)
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(relativePath(3, 4, 5))
        .satisfies(
            e -> {
              var missing = (LtxFileNotFoundException) e;
              assertThat(missing.level()).isEqualTo(3);
              assertThat(missing.minTxid()).isEqualTo(4);
              assertThat(missing.maxTxid()).isEqualTo(5);
            });
    assertThatThrownBy(() -> client.openLtxFile(3, 4, 5, 10, 10))
        .isInstanceOf(LtxFileNotFoundException.class);
  }

  @Test
  void rejectsDataThatIsNotTheNamedLtxFileAndStoresNothing() throws IOException {
    assertThatThrownBy(() -> client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(new byte[50])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("shorter than the 100-byte header");
    byte[] notLtx = TestLtx.bytes(1, 1, T1, 10);
    notLtx[0] = 'X';
    assertThatThrownBy(() -> client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(notLtx)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("LTX magic");
    assertThatThrownBy(
            () ->
                client.writeLtxFile(0, 2, 2, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("0000000000000001-0000000000000001");
    assertThat(client.ltxFiles(0, 0)).isEmpty();
    assertThatThrownBy(() -> client.openLtxFile(0, 1, 1, 0, 0))
        .isInstanceOf(LtxFileNotFoundException.class);
  }

  @Test
  void aFailingSourceStoresNothingAndReportsTheSourceError() throws IOException {
    write(0, 1, 1, T1, 10);
    byte[] data = TestLtx.bytes(2, 2, T1, 200_000);
    InputStream failing =
        new InputStream() {
          int position;

          @Override
          public int read() throws IOException {
            if (position == 150_000) {
              throw new IOException("upstream connection reset");
            }
            return data[position++] & 0xff;
          }
        };
    assertThatThrownBy(() -> client.writeLtxFile(0, 2, 2, failing))
        .isInstanceOf(IOException.class)
        .satisfies(e -> assertThat(fullText(e)).contains("upstream connection reset"));
    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L);
    assertThatThrownBy(() -> client.openLtxFile(0, 2, 2, 0, 0))
        .isInstanceOf(LtxFileNotFoundException.class);
  }

  @Test
  void rewritingAFileReplacesItWhole() throws IOException {
    write(0, 1, 1, T1, 10);
    byte[] second = TestLtx.bytes(1, 1, T2, 20);
    client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(second));
    assertThat(readAll(0, 1, 1, 0, 0)).isEqualTo(second);
    assertThat(client.ltxFilesWithExactTimestamps(0, 1))
        .containsExactly(new LtxFileInfo(0, 1, 1, 120, T2));
  }

  @Test
  void readersSeeAWholeFileOrNoneWhileItIsWrittenAndRewritten() throws Exception {
    assumeThat(storeIsThreadSafe()).as("the store under test is not thread-safe").isTrue();
    byte[] first = TestLtx.bytes(1, 1, T1, 300_000);
    byte[] second = TestLtx.bytes(1, 1, T2, 200_000);
    var stop = new AtomicBoolean();
    var reads = new AtomicInteger();
    var started = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "contract-reader"));
    try {
      Future<?> reader =
          pool.submit(
              () -> {
                started.countDown();
                while (!stop.get()) {
                  try (InputStream in = client.openLtxFile(0, 1, 1, 0, 0)) {
                    byte[] seen = in.readAllBytes();
                    assertThat(Arrays.equals(seen, first) || Arrays.equals(seen, second))
                        .as("a read returned %d bytes that are neither version", seen.length)
                        .isTrue();
                    reads.incrementAndGet();
                  } catch (LtxFileNotFoundException notYet) {
                    // not written yet
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  for (LtxFileInfo f : listQuietly()) {
                    assertThat(f.size()).isIn((long) first.length, (long) second.length);
                  }
                }
                return null;
              });
      assertThat(started.await(1, TimeUnit.MINUTES)).isTrue();
      for (int i = 0; i < 6; i++) {
        client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(i % 2 == 0 ? first : second));
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (reads.get() < 3 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      stop.set(true);
      reader.get(1, TimeUnit.MINUTES);
      assertThat(reads.get()).isGreaterThanOrEqualTo(3);
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(readAll(0, 1, 1, 0, 0)).isEqualTo(second);
  }

  private List<LtxFileInfo> listQuietly() {
    try {
      return client.ltxFiles(0, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void deletesFilesToleratingMissingOnes() throws IOException {
    var infos = new ArrayList<LtxFileInfo>();
    for (long txid = 1; txid <= 5; txid++) {
      infos.add(write(0, txid, txid, T1, 5));
    }
    LtxFileInfo snapshot = write(9, 1, 5, T1, 5);
    client.deleteLtxFiles(List.of(infos.get(1), infos.get(3), new LtxFileInfo(0, 77, 77, 0, T1)));
    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L, 3L, 5L);
    client.deleteLtxFiles(List.of(infos.get(1)));
    client.deleteLtxFiles(List.of());
    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L, 3L, 5L);
    assertThat(client.ltxFiles(9, 0))
        .extracting(LtxFileInfo::name)
        .containsExactly(snapshot.name());
  }

  @Test
  void deleteAllEmptiesTheReplicaAndToleratesAnEmptyOne() throws IOException {
    write(0, 1, 1, T1, 1);
    write(3, 1, 1, T1, 1);
    write(9, 1, 1, T1, 1);
    client.deleteAll();
    for (int level = 0; level <= 9; level++) {
      assertThat(client.ltxFiles(level, 0)).as("level %d", level).isEmpty();
    }
    client.deleteAll();
    write(0, 1, 1, T1, 1);
    assertThat(client.ltxFiles(0, 0)).hasSize(1);
  }

  @Test
  void concurrentWritersOfDifferentFiles() throws Exception {
    assumeThat(storeIsThreadSafe()).as("the store under test is not thread-safe").isTrue();
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "contract-writer"));
    try {
      var futures = new ArrayList<Future<LtxFileInfo>>();
      for (long txid = 1; txid <= 40; txid++) {
        long t = txid;
        futures.add(pool.submit(() -> write((int) (t % 3), t, t, T1, 2000)));
      }
      for (var f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    int total = 0;
    for (int level = 0; level < 3; level++) {
      for (LtxFileInfo info : client.ltxFiles(level, 0)) {
        assertThat(readAll(level, info.minTxid(), info.maxTxid(), 0, 0))
            .isEqualTo(TestLtx.bytes(info.minTxid(), info.maxTxid(), T1, 2000));
        total++;
      }
    }
    assertThat(total).isEqualTo(40);
  }

  @Test
  void concurrentWritersOfTheSameFileLeaveOneWholeVersion() throws Exception {
    assumeThat(storeIsThreadSafe()).as("the store under test is not thread-safe").isTrue();
    byte[] a = TestLtx.bytes(4, 4, T1, 100_000);
    byte[] b = TestLtx.bytes(4, 4, T2, 150_000);
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "contract-writer"));
    try {
      var futures = new ArrayList<Future<LtxFileInfo>>();
      for (int i = 0; i < 6; i++) {
        byte[] data = i % 2 == 0 ? a : b;
        futures.add(
            pool.submit(() -> client.writeLtxFile(0, 4, 4, new ByteArrayInputStream(data))));
      }
      int succeeded = 0;
      for (var f : futures) {
        try {
          f.get(2, TimeUnit.MINUTES);
          succeeded++;
        } catch (ExecutionException e) {
          // A store may refuse a writer that raced another (Azure: "InvalidBlockList"), but only
          // with an IOException, and never by storing a mixture.
          assertThat(e.getCause()).isInstanceOf(IOException.class);
        }
      }
      assertThat(succeeded).as("writers that succeeded").isPositive();
    } finally {
      pool.shutdownNow();
    }
    byte[] stored = readAll(0, 4, 4, 0, 0);
    assertThat(Arrays.equals(stored, a) || Arrays.equals(stored, b))
        .as("stored file is one whole version")
        .isTrue();
    LtxFileInfo listed = client.ltxFilesWithExactTimestamps(0, 0).getFirst();
    assertThat(listed.size()).isEqualTo(stored.length);
    assertThat(listed.createdAt()).isEqualTo(Arrays.equals(stored, a) ? T1 : T2);
  }

  @Test
  void initIsIdempotentAndBadLevelsAreRejected() throws IOException {
    client.init();
    client.init();
    assertThatThrownBy(() -> client.ltxFiles(10, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.ltxFiles(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMissingBucketOrContainerIsExplained() throws Exception {
    Optional<ExpectedFailure> expected = missingContainer();
    assumeThat(expected).as("backend has no bucket/container to be missing").isPresent();
    try (ReplicaClient c = expected.get().client()) {
      checkFailure(
          expected.get(),
          () -> c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 1))));
      checkFailure(expected.get(), () -> c.ltxFiles(0, 0));
      if (c instanceof LeaseableClient) {
        // Not "another replicator is competing for it": the lock's write found no bucket.
        checkFailure(expected.get(), () -> ReplicaLease.acquire(c, lost -> {}).close());
      }
    }
  }

  @Test
  void wrongCredentialsAreNamedWithoutTheSecret() throws Exception {
    Optional<ExpectedFailure> expected = wrongCredentials();
    assumeThat(expected).as("backend cannot provoke a credentials error here").isPresent();
    try (ReplicaClient c = expected.get().client()) {
      checkFailure(expected.get(), () -> c.ltxFiles(0, 0));
      checkFailure(
          expected.get(),
          () -> c.writeLtxFile(0, 1, 1, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 1))));
    }
  }

  private static void checkFailure(ExpectedFailure expected, ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(IOException.class)
        .satisfies(
            e -> {
              for (String part : expected.mentions()) {
                assertThat(e.getMessage()).as("error message").contains(part);
              }
              String text = fullText(e);
              for (String secret : expected.secrets()) {
                assertThat(text).doesNotContain(secret);
              }
            });
  }

  private RawStore requireRawStore() {
    Optional<RawStore> raw = rawStore();
    assumeThat(raw).as("backend offers no raw access to its store").isPresent();
    return raw.get();
  }

  /**
   * The messages of an exception, its causes and suppressed exceptions, for "mentions"/"never
   * shows" checks.
   */
  public static String fullText(Throwable e) {
    var sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t).append('\n');
      for (Throwable s : t.getSuppressed()) {
        sb.append(s).append('\n');
      }
    }
    return sb.toString();
  }
}
