package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by superfly/ltx's Go code (see src/test/go/README.md) decode, apply and compact to
 * exactly the content the Go generator put in; and files written here go to target/interop-java/
 * for the Go verifier.
 */
class InteropTest {
  private static final int PS = 4096;

  @TempDir Path dir;

  /** The generator's page content: same formula as fixtures.go. */
  static byte[] page(int pgno, int version, int pageSize) {
    byte[] b = new byte[pageSize];
    for (int i = 0; i < pageSize / 2; i++) {
      b[i] = (byte) ((pgno * 31 + version * 7 + i / 3) & 0x7f);
    }
    return b;
  }

  static byte[] fixture(String name) {
    try (InputStream in = InteropTest.class.getResourceAsStream("/interop/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TreeMap<Integer, byte[]> stateAfter(int file) {
    TreeMap<Integer, byte[]> s = new TreeMap<>();
    for (int p = 1; p <= 5; p++) {
      s.put(p, page(p, 1, PS));
    }
    if (file >= 2) {
      s.put(2, page(2, 2, PS));
      s.put(6, page(6, 2, PS));
    }
    if (file >= 3) {
      s.put(1, page(1, 3, PS));
      s.tailMap(4, false).clear();
    }
    return s;
  }

  @Test
  void decodesGoSnapshotAndIncrementals() throws IOException {
    TestFiles.Decoded snap = TestFiles.decode(fixture("go-1-snapshot.ltx"));
    assertThat(snap.header()).isEqualTo(LtxHeader.snapshot(PS, 5, 3, 1700000000000L));
    assertThat(History.image(snap.pages(), PS)).isEqualTo(History.image(stateAfter(1), PS));
    assertThat(snap.trailer().postApplyChecksum())
        .isEqualTo(TestFiles.checksum(PS, stateAfter(1)))
        .isEqualTo(0xf1e559ef142ec0adL);
    assertThat(snap.trailer().fileChecksum()).isEqualTo(0xe96cacc364508b64L);

    TestFiles.Decoded incr = TestFiles.decode(fixture("go-2-incremental.ltx"));
    assertThat(incr.header())
        .isEqualTo(
            LtxHeader.incremental(PS, 6, 4, 4, 1700000001000L, 0xf1e559ef142ec0adL)
                .withWal(32, 2 * (PS + 24), 0x1234, 0x5678)
                .withNodeId(7));
    assertThat(incr.pages()).containsOnlyKeys(2, 6);
    assertThat(incr.pages().get(6)).isEqualTo(page(6, 2, PS));
    assertThat(incr.trailer().postApplyChecksum()).isEqualTo(TestFiles.checksum(PS, stateAfter(2)));

    TestFiles.Decoded noSums = TestFiles.decode(fixture("go-3-nochecksum.ltx"));
    assertThat(noSums.header().hasChecksums()).isFalse();
    assertThat(noSums.header().flags()).isEqualTo(LtxHeader.FLAG_NO_CHECKSUM);
    assertThat(noSums.trailer().postApplyChecksum()).isZero();
  }

  @Test
  void decodesGoLegacyFrames() throws IOException {
    TestFiles.Decoded d = TestFiles.decode(fixture("go-legacy-snapshot.ltx"));
    assertThat(d.pages()).hasSize(3);
    for (int p = 1; p <= 3; p++) {
      assertThat(d.pages().get(p)).isEqualTo(page(p, 1, 1024));
    }
    assertThat(d.trailer().postApplyChecksum()).isEqualTo(0xd571731f3c55e45bL);
    InMemoryChannel ch = new InMemoryChannel(fixture("go-legacy-snapshot.ltx"));
    assertThat(LtxPageIndex.read(ch).readPage(ch, 2)).isEqualTo(page(2, 1, 1024));
  }

  @Test
  void appliesAndRestoresTheGoChain() throws IOException {
    List<byte[]> chain =
        List.of(
            fixture("go-1-snapshot.ltx"),
            fixture("go-2-incremental.ltx"),
            fixture("go-3-nochecksum.ltx"));
    byte[] expected = History.image(stateAfter(3), PS);
    try (FileChannel ch =
        FileChannel.open(
            dir.resolve("a.db"),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      LtxApplier.create(ch).applyAll(TestFiles.streams(chain));
    }
    assertThat(Files.readAllBytes(dir.resolve("a.db"))).isEqualTo(expected);
    try (FileChannel ch =
        FileChannel.open(
            dir.resolve("b.db"),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      LtxApplier a = LtxApplier.restore(TestFiles.streams(chain), ch);
      assertThat(a.txid()).isEqualTo(6);
    }
    assertThat(Files.readAllBytes(dir.resolve("b.db"))).isEqualTo(expected);
  }

  @Test
  void compactsLikeGo() throws IOException {
    TestFiles.Decoded go = TestFiles.decode(fixture("go-compacted-1-2.ltx"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxCompactor.compact(
        TestFiles.streams(List.of(fixture("go-1-snapshot.ltx"), fixture("go-2-incremental.ltx"))),
        out);
    TestFiles.Decoded java = TestFiles.decode(out.toByteArray());
    assertThat(java.header()).isEqualTo(go.header());
    assertThat(java.trailer().postApplyChecksum()).isEqualTo(go.trailer().postApplyChecksum());
    assertThat(History.image(java.pages(), PS))
        .isEqualTo(History.image(go.pages(), PS))
        .isEqualTo(History.image(stateAfter(2), PS));
  }

  /** Writes files for `go run . verify` (src/test/go); the test itself checks they decode here. */
  @Test
  void writesJavaFilesForTheGoVerifier() throws IOException {
    Path out = Path.of("target", "interop-java");
    Files.createDirectories(out);
    TreeMap<Integer, byte[]> s1 = stateAfter(1);
    Map<String, byte[]> files = new TreeMap<>();
    files.put(
        "java-1-snapshot.ltx",
        TestFiles.encode(
            LtxHeader.snapshot(PS, 5, 3, 1700000000000L), s1, TestFiles.checksum(PS, s1)));
    TreeMap<Integer, byte[]> s2 = stateAfter(2);
    files.put(
        "java-2-incremental.ltx",
        TestFiles.encode(
            LtxHeader.incremental(PS, 6, 4, 4, 1700000001000L, TestFiles.checksum(PS, s1))
                .withWal(32, 8240, 1, 2),
            Map.of(2, s2.get(2), 6, s2.get(6)),
            TestFiles.checksum(PS, s2)));
    files.put(
        "java-3-nochecksum.ltx",
        TestFiles.encode(
            LtxHeader.incremental(PS, 4, 5, 6, 1700000002000L, 0).withoutChecksums(),
            Map.of(1, page(1, 3, PS)),
            0));
    ByteArrayOutputStream compacted = new ByteArrayOutputStream();
    LtxCompactor.compact(
        List.of(
            new ByteArrayInputStream(files.get("java-1-snapshot.ltx")),
            new ByteArrayInputStream(files.get("java-2-incremental.ltx"))),
        compacted);
    files.put("java-compacted-1-2.ltx", compacted.toByteArray());
    for (var e : files.entrySet()) {
      Files.write(out.resolve(e.getKey()), e.getValue());
      TestFiles.decode(e.getValue());
    }
  }
}
