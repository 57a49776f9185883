package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PageIndexTest {
  @Property(tries = 30)
  void everyPageIsReachableAtRandom(
      @ForAll long seed, @ForAll @IntRange(min = 9, max = 16) int log2) throws IOException {
    Random rnd = new Random(seed);
    int pageSize = 1 << log2;
    Map<Integer, byte[]> pages = new TreeMap<>();
    int commit = 1 + rnd.nextInt(60);
    for (int n = rnd.nextInt(20); n >= 0; n--) {
      pages.put(1 + rnd.nextInt(commit), TestFiles.page(rnd, pageSize));
    }
    byte[] file =
        TestFiles.encode(
            LtxHeader.incremental(pageSize, commit, 3, 4, 0, Checksums.FLAG),
            pages,
            Checksums.FLAG | 9);
    InMemoryChannel ch = new InMemoryChannel(file);
    LtxPageIndex idx = LtxPageIndex.read(ch);
    assertThat(idx.header().commit()).isEqualTo(commit);
    assertThat(idx.trailer()).isEqualTo(TestFiles.decode(file).trailer());
    assertThat(idx.entries())
        .extracting(PageIndexEntry::pgno)
        .containsExactlyElementsOf(pages.keySet());
    List<Integer> order = new java.util.ArrayList<>(pages.keySet());
    java.util.Collections.shuffle(order, rnd);
    for (int pgno : order) {
      assertThat(idx.readPage(ch, pgno)).isEqualTo(pages.get(pgno));
    }
    assertThat(idx.find(commit + 1)).isEmpty();
  }

  @Test
  void entriesDescribeTheFrames() throws IOException {
    byte[] page = new byte[512];
    byte[] file =
        TestFiles.encode(
            LtxHeader.snapshot(512, 2, 1, 0),
            Map.of(1, page, 2, page),
            TestFiles.checksum(512, Map.of(1, page, 2, page)));
    LtxPageIndex idx = LtxPageIndex.read(new InMemoryChannel(file));
    PageIndexEntry first = idx.find(1).orElseThrow();
    PageIndexEntry second = idx.find(2).orElseThrow();
    assertThat(first.offset()).isEqualTo(LtxHeader.SIZE);
    assertThat(second.offset()).isEqualTo(first.offset() + first.size());
    assertThat(idx.size()).isEqualTo(2);
    assertThatThrownBy(() -> idx.readPage(new InMemoryChannel(file), 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncatedOrDamagedFilesFailCleanly() throws IOException {
    byte[] file =
        TestFiles.encode(
            LtxHeader.incremental(1024, 9, 3, 4, 0, Checksums.FLAG),
            Map.of(2, new byte[1024], 5, new byte[1024]),
            Checksums.FLAG | 1);
    for (int len : new int[] {0, 50, 100, 130, file.length - 17, file.length - 1}) {
      assertThatThrownBy(() -> LtxPageIndex.read(new InMemoryChannel(Arrays.copyOf(file, len))))
          .as("length %d", len)
          .isInstanceOf(LtxException.class);
    }
    byte[] badLength = file.clone();
    badLength[file.length - 24 + 7] = 100;
    assertThatThrownBy(() -> LtxPageIndex.read(new InMemoryChannel(badLength)))
        .isInstanceOf(LtxException.class);
    byte[] badFrame = file.clone();
    badFrame[LtxHeader.SIZE + 3] = 7; // the frame for page 2 now claims page 7
    LtxPageIndex idx = LtxPageIndex.read(new InMemoryChannel(badFrame));
    assertThatThrownBy(() -> idx.readPage(new InMemoryChannel(badFrame), 2))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("frame there is for page 7");
    // the streaming decoder agrees the file is corrupt
    assertThatThrownBy(() -> TestFiles.decode(badFrame)).isInstanceOf(LtxException.class);
    assertThat(new LtxDecoder(new ByteArrayInputStream(file)).finish().postApplyChecksum())
        .isEqualTo(Checksums.FLAG | 1);
  }
}
