package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import org.junit.jupiter.api.Test;

/** Frames written before flag 0x0001 existed hold an LZ4 frame stream per page. */
class LegacyFrameTest {
  static byte[] lz4Frame(byte[] page, Bits... bits) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long knownSize = Arrays.asList(bits).contains(Bits.CONTENT_SIZE) ? page.length : -1;
    try (LZ4FrameOutputStream z =
        new LZ4FrameOutputStream(out, BLOCKSIZE.SIZE_64KB, knownSize, bits)) {
      z.write(page);
    }
    return out.toByteArray();
  }

  static byte[] legacyFile(Random rnd, int pageSize) throws IOException {
    LtxHeader h = new LtxHeader(0, pageSize, 4, 1, 2, 0, 0, 0, 0, 0, 0, 0);
    RawLtx r = new RawLtx(h);
    DatabaseChecksum sum = new DatabaseChecksum(pageSize);
    for (int pgno = 1; pgno <= 4; pgno++) {
      byte[] page = TestFiles.page(rnd, pageSize);
      if (pgno == 4) {
        rnd.nextBytes(page); // incompressible: stored as an uncompressed block
      }
      sum.setPage(pgno, page);
      r.legacyPage(pgno, lz4Frame(page, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM), page);
    }
    return r.finish(sum.value());
  }

  @Test
  void decodesLegacySnapshots() throws IOException {
    for (int pageSize = 512; pageSize <= 65536; pageSize *= 2) {
      byte[] file = legacyFile(new Random(pageSize), pageSize);
      TestFiles.Decoded d = TestFiles.decode(file);
      assertThat(d.pages()).hasSize(4);
      Random rnd = new Random(pageSize);
      for (int pgno = 1; pgno <= 3; pgno++) {
        assertThat(d.pages().get(pgno)).isEqualTo(TestFiles.page(rnd, pageSize));
      }
    }
  }

  @Test
  void acceptsEveryFrameOption() throws IOException {
    Random rnd = new Random(5);
    byte[] page = TestFiles.page(rnd, 4096);
    Bits[][] options = {
      {Bits.BLOCK_INDEPENDENCE},
      {Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM},
      {Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_SIZE},
      {Bits.CONTENT_CHECKSUM, Bits.BLOCK_CHECKSUM, Bits.BLOCK_INDEPENDENCE},
    };
    for (Bits[] o : options) {
      byte[] file =
          new RawLtx(LtxHeader.incremental(4096, 9, 2, 2, 0, Checksums.FLAG))
              .legacyPage(9, lz4Frame(page, o), page)
              .finish(Checksums.FLAG);
      assertThat(TestFiles.decode(file).pages().get(9)).as(Arrays.toString(o)).isEqualTo(page);
    }
  }

  @Test
  void legacyAndCurrentFramesMixAndIndexWorks() throws IOException {
    Random rnd = new Random(9);
    byte[] a = TestFiles.page(rnd, 1024);
    byte[] b = TestFiles.page(rnd, 1024);
    byte[] file =
        new RawLtx(LtxHeader.incremental(1024, 9, 2, 2, 0, Checksums.FLAG))
            .legacyPage(3, lz4Frame(a, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM), a)
            .page(5, b)
            .finish(Checksums.FLAG);
    assertThat(TestFiles.decode(file).pages()).containsOnlyKeys(3, 5);
    InMemoryChannel ch = new InMemoryChannel(file);
    LtxPageIndex idx = LtxPageIndex.read(ch);
    assertThat(idx.readPage(ch, 3)).isEqualTo(a);
    assertThat(idx.readPage(ch, 5)).isEqualTo(b);
  }

  @Test
  void rejectsBrokenLegacyFrames() throws IOException {
    byte[] page = new byte[1024];
    page[3] = 9;
    LtxHeader h = LtxHeader.incremental(1024, 9, 2, 2, 0, Checksums.FLAG);
    byte[] good = lz4Frame(page, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM);

    byte[] magic = good.clone();
    magic[0] = 0;
    assertRejected(new RawLtx(h).legacyPage(3, magic, page).finish(Checksums.FLAG), "magic");

    byte[] content = good.clone();
    content[content.length - 1] ^= 1;
    assertRejected(
        new RawLtx(h).legacyPage(3, content, page).finish(Checksums.FLAG), "content checksum");

    byte[] halfPage =
        lz4Frame(Arrays.copyOf(page, 512), Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM);
    assertRejected(
        new RawLtx(h).legacyPage(3, halfPage, page).finish(Checksums.FLAG),
        "decompressed to 512 bytes");

    byte[] twoPages = lz4Frame(new byte[2048], Bits.BLOCK_INDEPENDENCE);
    assertRejected(new RawLtx(h).legacyPage(3, twoPages, page).finish(Checksums.FLAG), "page 3");

    byte[] dict = good.clone();
    dict[4] |= 0x01;
    assertRejected(new RawLtx(h).legacyPage(3, dict, page).finish(Checksums.FLAG), "dictionary");
  }

  private static void assertRejected(byte[] file, String message) {
    assertThatThrownBy(() -> TestFiles.decode(file))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining(message);
  }
}
