package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CompactionTest {
  private static byte[] compact(List<byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxCompactor.compact(TestFiles.streams(files), out);
    return out.toByteArray();
  }

  /** Applies files one by one to a fresh database file and returns its bytes. */
  private static byte[] applyOneByOne(List<byte[]> files) throws IOException {
    Path tmp = Files.createTempFile("ltx-apply", ".db");
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      LtxApplier a = LtxApplier.create(ch);
      a.applyAll(TestFiles.streams(files));
      assertThat(a.checksum()).isEqualTo(DatabaseChecksum.of(ch, a.pageSize(), a.commit()));
      return Files.readAllBytes(tmp);
    } finally {
      Files.delete(tmp);
    }
  }

  private static byte[] restoreMerged(List<byte[]> files) throws IOException {
    Path tmp = Files.createTempFile("ltx-restore", ".db");
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      LtxApplier a = LtxApplier.restore(TestFiles.streams(files), ch);
      assertThat(a.checksum()).isEqualTo(DatabaseChecksum.of(ch, a.pageSize(), a.commit()));
      return Files.readAllBytes(tmp);
    } finally {
      Files.delete(tmp);
    }
  }

  @Property(tries = 40)
  void compactionEqualsApplyingOneByOne(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int fileCount,
      @ForAll boolean mixNoChecksum)
      throws IOException {
    Random rnd = new Random(seed);
    int pageSize = 512 << rnd.nextInt(4);
    History h = History.generate(rnd, pageSize, fileCount, mixNoChecksum);
    byte[] expected = History.image(h.states.getLast(), pageSize);

    assertThat(applyOneByOne(h.files)).isEqualTo(expected);
    assertThat(restoreMerged(h.files)).isEqualTo(expected);

    int from = rnd.nextInt(fileCount);
    int to = from + rnd.nextInt(fileCount - from);
    byte[] compacted = compact(h.files.subList(from, to + 1));
    TestFiles.Decoded d = TestFiles.decode(compacted);
    LtxHeader first = h.headers.get(from);
    LtxHeader last = h.headers.get(to);
    boolean allChecksums =
        h.headers.subList(from, to + 1).stream().allMatch(LtxHeader::hasChecksums);
    assertThat(d.header().minTxid()).isEqualTo(first.minTxid());
    assertThat(d.header().maxTxid()).isEqualTo(last.maxTxid());
    assertThat(d.header().commit()).isEqualTo(last.commit());
    assertThat(d.header().timestamp()).isEqualTo(last.timestamp());
    assertThat(d.header().hasChecksums()).isEqualTo(allChecksums);
    assertThat(d.header().preApplyChecksum())
        .isEqualTo(allChecksums ? first.preApplyChecksum() : 0);
    assertThat(d.header().walOffset()).isZero();
    assertThat(d.pages().keySet()).allMatch(p -> p <= last.commit());
    if (from == 0) {
      assertThat(History.image(d.pages(), pageSize))
          .isEqualTo(History.image(h.states.get(to), pageSize));
    }

    List<byte[]> replaced = new ArrayList<>(h.files.subList(0, from));
    replaced.add(compacted);
    replaced.addAll(h.files.subList(to + 1, fileCount));
    assertThat(applyOneByOne(replaced)).isEqualTo(expected);
    assertThat(restoreMerged(replaced)).isEqualTo(expected);
  }

  @Test
  void newestPageWinsAndTruncatedPagesAreDropped() throws IOException {
    byte[] a = filled(1024, 1);
    byte[] b = filled(1024, 2);
    byte[] c = filled(1024, 3);
    byte[] f1 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 10, 5, 5, 100, Checksums.FLAG).withoutChecksums(),
            Map.of(2, a, 9, a, 10, a),
            0);
    byte[] f2 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 8, 6, 7, 200, Checksums.FLAG).withoutChecksums(),
            Map.of(2, b, 3, b),
            0);
    byte[] f3 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 12, 8, 8, 300, Checksums.FLAG).withoutChecksums(),
            Map.of(3, c, 9, c, 11, c, 12, c),
            0);
    TestFiles.Decoded d = TestFiles.decode(compact(List.of(f1, f2, f3)));
    assertThat(d.header().minTxid()).isEqualTo(5);
    assertThat(d.header().maxTxid()).isEqualTo(8);
    assertThat(d.header().timestamp()).isEqualTo(300);
    assertThat(d.pages().keySet())
        .containsExactly(2, 3, 9, 11, 12); // page 10 of f1 was truncated away by f2
    assertThat(d.pages().get(2)).isEqualTo(b);
    assertThat(d.pages().get(3)).isEqualTo(c);
    assertThat(d.pages().get(9)).isEqualTo(c);
  }

  @Test
  void rejectsGapsOverlapsAndPageSizeChanges() throws IOException {
    byte[] f1 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 1, 5, 6, 0, Checksums.FLAG).withoutChecksums(),
            Map.of(),
            0);
    byte[] gap =
        TestFiles.encode(
            LtxHeader.incremental(1024, 1, 8, 8, 0, Checksums.FLAG).withoutChecksums(),
            Map.of(),
            0);
    byte[] overlap =
        TestFiles.encode(
            LtxHeader.incremental(1024, 1, 6, 8, 0, Checksums.FLAG).withoutChecksums(),
            Map.of(),
            0);
    byte[] otherSize =
        TestFiles.encode(
            LtxHeader.incremental(2048, 1, 7, 7, 0, Checksums.FLAG).withoutChecksums(),
            Map.of(),
            0);
    assertThatThrownBy(() -> compact(List.of(f1, gap)))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("input #1 (0000000000000008-0000000000000008.ltx)")
        .hasMessageContaining("TXIDs are missing");
    assertThatThrownBy(() -> compact(List.of(f1, overlap)))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("overlap");
    assertThatThrownBy(() -> compact(List.of(f1, otherSize)))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("page size 2048");
  }

  @Test
  void rejectsBrokenChecksumChain() throws IOException {
    byte[] f1 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 1, 5, 6, 0, Checksums.FLAG | 1),
            Map.of(),
            Checksums.FLAG | 2);
    byte[] f2 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 1, 7, 7, 0, Checksums.FLAG | 3),
            Map.of(),
            Checksums.FLAG | 4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> LtxCompactor.compact(TestFiles.streams(List.of(f1, f2)), out))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("input #1")
        .hasMessageContaining("pre-apply checksum 8000000000000003")
        .hasMessageContaining("8000000000000002");
  }

  @Test
  void verifiesEveryInputsFileChecksum() throws IOException {
    byte[] f1 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 3, 5, 6, 0, Checksums.FLAG).withoutChecksums(),
            Map.of(3, filled(1024, 1)),
            0);
    byte[] f2 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 3, 7, 7, 0, Checksums.FLAG).withoutChecksums(),
            Map.of(),
            0);
    f1[f1.length - 3] ^= 1;
    assertThatThrownBy(() -> compact(List.of(f1, f2)))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("input #0")
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void headerIsKnownBeforeWriting() throws IOException {
    byte[] f1 =
        TestFiles.encode(
            LtxHeader.incremental(1024, 3, 5, 6, 7, Checksums.FLAG | 1),
            Map.of(),
            Checksums.FLAG | 2);
    try (LtxCompactor c = LtxCompactor.open(List.of(new ByteArrayInputStream(f1)))) {
      assertThat(c.header().fileName().name()).isEqualTo("0000000000000005-0000000000000006.ltx");
      assertThat(c.inputHeaders()).hasSize(1);
    }
  }

  static byte[] filled(int size, int value) {
    byte[] b = new byte[size];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void snapshotCompactionMustCoverEveryPage() throws IOException {
    // A broken history: the incremental grows the database without writing the new page 3.
    Map<Integer, byte[]> base = new TreeMap<>(Map.of(1, filled(512, 1), 2, filled(512, 2)));
    byte[] snap =
        TestFiles.encode(LtxHeader.snapshot(512, 2, 1, 0), base, TestFiles.checksum(512, base));
    byte[] grow =
        TestFiles.encode(
            LtxHeader.incremental(512, 3, 2, 2, 0, TestFiles.checksum(512, base)),
            Map.of(1, filled(512, 9)),
            Checksums.FLAG | 5);
    assertThatThrownBy(() -> compact(List.of(snap, grow)))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("missing pages 3..3");
  }
}
