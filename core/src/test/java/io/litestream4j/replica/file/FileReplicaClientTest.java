package io.litestream4j.replica.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.TestLtx;
import io.litestream4j.testing.DirectoryWriteLock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReplicaClientTest {

  private static final Instant T1 = Instant.parse("2024-05-06T07:08:09.123Z");
  private static final Instant T2 = Instant.parse("2025-01-02T03:04:05.678Z");

  @TempDir Path temp;
  Path root;
  FileReplicaClient client;

  @BeforeEach
  void setUp() {
    root = temp.resolve("replica");
    client = new FileReplicaClient(root);
  }

  private LtxFileInfo write(int level, long min, long max, Instant ts, int body) throws IOException {
    return client.writeLtxFile(level, min, max, new ByteArrayInputStream(TestLtx.bytes(min, max, ts, body)));
  }

  private byte[] readAll(int level, long min, long max, long offset, long length) throws IOException {
    try (InputStream in = client.openLtxFile(level, min, max, offset, length)) {
      return in.readAllBytes();
    }
  }

  private List<String> namesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesLitestreamLayoutWithHeaderTimestampAsMtime() throws IOException {
    byte[] data = TestLtx.bytes(1, 1, T1, 500);
    LtxFileInfo info = client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(data));

    Path expected = root.resolve("ltx/0/0000000000000001-0000000000000001.ltx");
    assertThat(expected).isRegularFile();
    assertThat(Files.readAllBytes(expected)).isEqualTo(data);
    assertThat(Files.getLastModifiedTime(expected).toInstant()).isEqualTo(T1);
    assertThat(info).isEqualTo(new LtxFileInfo(0, 1, 1, data.length, T1));
    assertThat(client.ltxFilePath(0, 1, 1)).isEqualTo(expected);

    write(9, 1, 0x1f, T2, 10);
    assertThat(root.resolve("ltx/9/0000000000000001-000000000000001f.ltx")).isRegularFile();
    assertThat(namesIn(root.resolve("ltx"))).containsExactly("0", "9");
  }

  @Test
  void writeLeavesNoTemporaryFiles() throws IOException {
    for (long txid = 1; txid <= 20; txid++) {
      write(0, txid, txid, T1, 100);
    }
    assertThat(namesIn(root.resolve("ltx/0"))).hasSize(20).allMatch(n -> n.endsWith(".ltx"));
  }

  @Test
  void listsFromSeekInTxidOrderWithMtimeAsCreationTime() throws IOException {
    for (long txid : new long[] {5, 1, 3, 2, 4}) {
      write(0, txid, txid, T1.plusSeconds(txid), 10 * (int) txid);
    }
    List<LtxFileInfo> all = client.ltxFiles(0, 0);
    assertThat(all).extracting(LtxFileInfo::minTxid).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all.get(2)).isEqualTo(new LtxFileInfo(0, 3, 3, 100 + 30, T1.plusSeconds(3)));

    assertThat(client.ltxFiles(0, 3)).extracting(LtxFileInfo::minTxid).containsExactly(3L, 4L, 5L);
    assertThat(client.ltxFiles(0, 6)).isEmpty();
    assertThat(client.ltxFiles(1, 0)).isEmpty();
    assertThat(client.ltxFilesWithExactTimestamps(0, 5)).extracting(LtxFileInfo::createdAt)
        .containsExactly(T1.plusSeconds(5));
  }

  @Test
  void listingOrdersOverlappingFilesByMinThenMax() throws IOException {
    write(1, 1, 10, T1, 1);
    write(1, 1, 5, T1, 1);
    write(1, 6, 10, T1, 1);
    assertThat(client.ltxFiles(1, 1)).extracting(LtxFileInfo::name).containsExactly(
        "0000000000000001-0000000000000005.ltx",
        "0000000000000001-000000000000000a.ltx",
        "0000000000000006-000000000000000a.ltx");
  }

  @Test
  void listingIgnoresTemporaryAndJunkEntries() throws IOException {
    write(0, 1, 1, T1, 1);
    Path dir = root.resolve("ltx/0");
    Files.writeString(dir.resolve("0000000000000002-0000000000000002.ltx.0123abcd.tmp"), "partial");
    Files.writeString(dir.resolve("0000000000000003-0000000000000003.ltx.tmp"), "partial");
    Files.writeString(dir.resolve("000000000000000A-000000000000000A.ltx"), "upper case");
    Files.writeString(dir.resolve("notes.txt"), "junk");
    Files.createDirectory(dir.resolve("0000000000000004-0000000000000004.ltx"));
    Files.createSymbolicLink(dir.resolve("0000000000000005-0000000000000005.ltx"), dir.resolve("missing"));

    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L);
  }

  @Test
  void rangedReads() throws IOException {
    byte[] data = TestLtx.bytes(7, 9, T1, 1000);
    client.writeLtxFile(2, 7, 9, new ByteArrayInputStream(data));

    assertThat(readAll(2, 7, 9, 0, 0)).isEqualTo(data);
    assertThat(readAll(2, 7, 9, 100, 0)).isEqualTo(Arrays.copyOfRange(data, 100, data.length));
    assertThat(readAll(2, 7, 9, 32, 8)).isEqualTo(Arrays.copyOfRange(data, 32, 40));
    assertThat(readAll(2, 7, 9, 1090, 50)).isEqualTo(Arrays.copyOfRange(data, 1090, 1100));
    assertThat(readAll(2, 7, 9, 1100, 0)).isEmpty();
    assertThat(readAll(2, 7, 9, 5000, 10)).isEmpty();
    assertThatThrownBy(() -> client.openLtxFile(2, 7, 9, -1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void openingAMissingFileSaysWhichOne() {
    assertThatThrownBy(() -> client.openLtxFile(3, 4, 5, 0, 0))
        .isInstanceOf(LtxFileNotFoundException.class)
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("ltx/3/0000000000000004-0000000000000005.ltx")
        .satisfies(e -> {
          var missing = (LtxFileNotFoundException) e;
          assertThat(missing.level()).isEqualTo(3);
          assertThat(missing.minTxid()).isEqualTo(4);
          assertThat(missing.maxTxid()).isEqualTo(5);
        });
  }

  @Test
  void rewritingAFileReplacesItAtomically() throws IOException {
    write(0, 1, 1, T1, 10);
    byte[] second = TestLtx.bytes(1, 1, T2, 300);
    client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(second));
    assertThat(readAll(0, 1, 1, 0, 0)).isEqualTo(second);
    assertThat(client.ltxFiles(0, 0)).containsExactly(new LtxFileInfo(0, 1, 1, second.length, T2));
    assertThat(namesIn(root.resolve("ltx/0"))).hasSize(1);
  }

  @Test
  void rejectsDataThatIsNotTheNamedLtxFileAndLeavesNothing() throws IOException {
    assertThatThrownBy(() -> client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(new byte[50])))
        .isInstanceOf(IOException.class).hasMessageContaining("50 bytes long, shorter than the 100-byte header");
    byte[] notLtx = TestLtx.bytes(1, 1, T1, 10);
    notLtx[0] = 'X';
    assertThatThrownBy(() -> client.writeLtxFile(0, 1, 1, new ByteArrayInputStream(notLtx)))
        .hasMessageContaining("LTX magic");
    assertThatThrownBy(() -> client.writeLtxFile(0, 2, 2, new ByteArrayInputStream(TestLtx.bytes(1, 1, T1, 10))))
        .hasMessageContaining("cannot store L0/0000000000000002-0000000000000002.ltx")
        .hasMessageContaining("covers TXIDs 0000000000000001-0000000000000001");
    assertThat(root.resolve("ltx/0")).doesNotExist();
  }

  @Test
  void failingSourceStreamLeavesNoFileAndReportsTheSourceError() throws IOException {
    write(0, 1, 1, T1, 10);
    byte[] data = TestLtx.bytes(2, 2, T1, 200_000);
    IOException sourceError = new IOException("upstream connection reset");
    InputStream failing = new InputStream() {
      int position;

      @Override
      public int read() throws IOException {
        if (position == 150_000) {
          throw sourceError;
        }
        return data[position++] & 0xff;
      }
    };
    assertThatThrownBy(() -> client.writeLtxFile(0, 2, 2, failing)).isSameAs(sourceError);
    assertThat(namesIn(root.resolve("ltx/0"))).containsExactly("0000000000000001-0000000000000001.ltx");
  }

  @Test
  void deletesInBatchesToleratingMissingFiles() throws IOException {
    LtxFileInfo a = write(0, 1, 1, T1, 1);
    LtxFileInfo b = write(0, 2, 2, T1, 1);
    LtxFileInfo c = write(0, 3, 3, T1, 1);
    LtxFileInfo never = new LtxFileInfo(0, 9, 9, 0, T1);

    client.deleteLtxFiles(List.of(a, c, never));
    assertThat(client.ltxFiles(0, 0)).containsExactly(b);
    client.deleteLtxFiles(List.of(a));
    client.deleteLtxFiles(List.of());
    assertThat(client.ltxFiles(0, 0)).containsExactly(b);
  }

  @Test
  void deleteAllRemovesTheReplicaAndToleratesAbsence() throws IOException {
    write(0, 1, 1, T1, 1);
    write(9, 1, 1, T1, 1);
    Files.writeString(root.resolve("ltx/0/stray.tmp"), "x");
    client.deleteAll();
    assertThat(root).doesNotExist();
    assertThat(client.ltxFiles(0, 0)).isEmpty();
    client.deleteAll();
    write(0, 1, 1, T1, 1);
    assertThat(client.ltxFiles(0, 0)).hasSize(1);
  }

  @Test
  void initIsIdempotentAndRejectsAFileAsRoot() throws IOException {
    client.init();
    client.init();
    Files.writeString(root, "not a directory");
    assertThatThrownBy(client::init).hasMessageContaining(root.toString())
        .hasMessageContaining("not a directory");
  }

  @Test
  void fileWhereADirectoryBelongsGivesClearErrorThenRecovers() throws IOException {
    Files.createDirectories(root.resolve("ltx"));
    Files.writeString(root.resolve("ltx/0"), "oops");

    assertThatThrownBy(() -> write(0, 1, 1, T1, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot create replica directory " + root.resolve("ltx/0"))
        .hasMessageContaining("exists but is not a directory; remove it or choose another replica path");
    assertThatThrownBy(() -> client.ltxFiles(0, 0)).hasMessageContaining(root.resolve("ltx/0").toString());

    Files.delete(root.resolve("ltx/0"));
    write(0, 1, 1, T1, 10);
    assertThat(client.ltxFiles(0, 0)).hasSize(1);
  }

  @Test
  void unwritableDirectoryGivesClearErrorThenRecoversWhenWritable() throws Exception {
    write(0, 1, 1, T1, 10);
    Path dir = root.resolve("ltx/0");
    try (var locked = DirectoryWriteLock.lock(dir)) {
      assertThatThrownBy(() -> write(0, 2, 2, T1, 10))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining(locked.expectedReason());
      assertThat(namesIn(dir)).containsExactly("0000000000000001-0000000000000001.ltx");
    }
    write(0, 2, 2, T1, 10);
    assertThat(client.ltxFiles(0, 0)).extracting(LtxFileInfo::minTxid).containsExactly(1L, 2L);
    assertThat(namesIn(dir)).allMatch(n -> n.endsWith(".ltx"));
  }

  @Test
  void concurrentWritersOfDifferentFiles() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "replica-writer"));
    try {
      var futures = new ArrayList<Future<LtxFileInfo>>();
      for (long txid = 1; txid <= 40; txid++) {
        long t = txid;
        futures.add(pool.submit(() -> write((int) (t % 3), t, t, T1, 2000)));
      }
      for (var f : futures) {
        f.get();
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
  void rejectsRelativeRootAndBadLevels() {
    assertThatThrownBy(() -> new FileReplicaClient(Path.of("relative/dir")))
        .hasMessageContaining("must be absolute");
    assertThatThrownBy(() -> client.ltxFiles(10, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.ltxFilePath(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
