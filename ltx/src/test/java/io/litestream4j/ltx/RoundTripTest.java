package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RoundTripTest {
  @Property(tries = 60)
  void incrementalFilesRoundTrip(
      @ForAll @IntRange(min = 9, max = 16) int log2PageSize,
      @ForAll @IntRange(min = 0, max = 40) int pageCount,
      @ForAll long seed,
      @ForAll boolean checksums)
      throws IOException {
    int pageSize = 1 << log2PageSize;
    Random rnd = new Random(seed);
    int commit =
        Math.max(1, pageCount + rnd.nextInt(50)); // commit 0 (empty database) has a fixed checksum
    Map<Integer, byte[]> pages = new TreeMap<>();
    while (pages.size() < Math.min(pageCount, commit)) {
      pages.put(1 + rnd.nextInt(Math.max(1, commit)), TestFiles.page(rnd, pageSize));
    }
    LtxHeader h =
        LtxHeader.incremental(
                pageSize, commit, 5, 9, rnd.nextLong(), Checksums.FLAG | rnd.nextLong())
            .withWal(32, 4096, rnd.nextInt(), rnd.nextInt())
            .withNodeId(rnd.nextLong());
    long post = Checksums.FLAG | rnd.nextLong();
    if (!checksums) {
      h = h.withoutChecksums();
      post = 0;
    }
    byte[] file = TestFiles.encode(h, pages, post);
    TestFiles.Decoded d = TestFiles.decode(file);
    assertThat(d.header()).isEqualTo(h);
    assertThat(d.pages().keySet()).containsExactlyElementsOf(pages.keySet());
    for (var e : pages.entrySet()) {
      assertThat(d.pages().get(e.getKey())).as("page %d", e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(d.trailer().postApplyChecksum()).isEqualTo(post);
    assertThat(d.trailer().fileChecksum() & Checksums.FLAG).isNotZero();
  }

  @Property(tries = 30)
  void snapshotsRoundTripAndCarryTheirChecksum(
      @ForAll @IntRange(min = 9, max = 16) int log2PageSize,
      @ForAll @IntRange(min = 0, max = 30) int commit,
      @ForAll long seed)
      throws IOException {
    int pageSize = 1 << log2PageSize;
    Random rnd = new Random(seed);
    Map<Integer, byte[]> pages = new TreeMap<>();
    for (int pgno = 1; pgno <= commit; pgno++) {
      pages.put(pgno, TestFiles.page(rnd, pageSize));
    }
    long post = TestFiles.checksum(pageSize, pages);
    byte[] file = TestFiles.encode(LtxHeader.snapshot(pageSize, commit, 3, 1234), pages, post);
    TestFiles.Decoded d = TestFiles.decode(file);
    assertThat(d.pages()).hasSize(commit);
    assertThat(d.trailer().postApplyChecksum()).isEqualTo(post);
  }

  @Test
  void encoderReturnsPageChecksumsAndCountsBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] page = new byte[4096];
    page[100] = 1;
    try (LtxEncoder enc = new LtxEncoder(out, LtxHeader.snapshot(4096, 1, 1, 0))) {
      assertThat(enc.writePage(1, page)).isEqualTo(Checksums.page(1, page));
      LtxTrailer t = enc.finish(Checksums.FLAG | Checksums.page(1, page));
      assertThat(enc.bytesWritten()).isEqualTo(out.size());
      assertThat(enc.trailer()).isEqualTo(t);
      assertThatThrownBy(() -> enc.writePage(2, page)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void decoderReportsPageChecksums() throws IOException {
    Random rnd = new Random(1);
    Map<Integer, byte[]> pages = Map.of(3, TestFiles.page(rnd, 1024), 9, TestFiles.page(rnd, 1024));
    byte[] file =
        TestFiles.encode(
            LtxHeader.incremental(1024, 10, 2, 2, 0, Checksums.FLAG), pages, Checksums.FLAG);
    try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file))) {
      byte[] buf = new byte[1024];
      assertThat(dec.nextPage(buf)).isEqualTo(3);
      assertThat(dec.pageChecksum()).isEqualTo(Checksums.page(3, pages.get(3)));
      // finish() verifies the pages not read yet
      assertThat(dec.finish().postApplyChecksum()).isEqualTo(Checksums.FLAG);
      assertThat(dec.pagesRead()).isEqualTo(2);
      assertThat(dec.bytesRead()).isEqualTo(file.length);
      assertThat(dec.nextPage(buf)).isZero();
    }
  }

  @Test
  void emptyDatabaseSnapshot() throws IOException {
    byte[] file =
        TestFiles.encode(LtxHeader.snapshot(4096, 0, 1, 0), Map.of(), Checksums.EMPTY_DATABASE);
    assertThat(TestFiles.decode(file).pages()).isEmpty();
    assertThatThrownBy(
            () -> TestFiles.encode(LtxHeader.snapshot(4096, 0, 1, 0), Map.of(), Checksums.FLAG | 1))
        .isInstanceOf(LtxException.class);
  }

  @Test
  void incompressiblePagesOfEverySize() throws IOException {
    Random rnd = new Random(7);
    for (int pageSize = 512; pageSize <= 65536; pageSize *= 2) {
      byte[] page = new byte[pageSize];
      rnd.nextBytes(page);
      byte[] file =
          TestFiles.encode(
              LtxHeader.snapshot(pageSize, 1, 1, 0),
              Map.of(1, page),
              Checksums.FLAG | Checksums.page(1, page));
      assertThat(TestFiles.decode(file).pages().get(1)).isEqualTo(page);
    }
  }
}
