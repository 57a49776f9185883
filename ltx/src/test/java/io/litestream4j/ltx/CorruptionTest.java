package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Damaged and hostile files: every change is either rejected with an LtxException or leaves the
 * decoded content (header, every page, trailer) exactly as it was. The file checksum covers the
 * decompressed pages, not the compressed bytes, so an LZ4 block re-encoded to the same output (a
 * different match offset inside a run of zeros, say) is, by the format's design, the same file.
 */
class CorruptionTest {
  private static byte[] sampleFile(Random rnd, int pageSize, boolean snapshot) throws IOException {
    Map<Integer, byte[]> pages = new TreeMap<>();
    int commit = 6;
    if (snapshot) {
      for (int p = 1; p <= commit; p++) {
        pages.put(p, TestFiles.page(rnd, pageSize));
      }
      return TestFiles.encode(
          LtxHeader.snapshot(pageSize, commit, 4, 99), pages, TestFiles.checksum(pageSize, pages));
    }
    pages.put(2, TestFiles.page(rnd, pageSize));
    pages.put(5, TestFiles.page(rnd, pageSize));
    return TestFiles.encode(
        LtxHeader.incremental(pageSize, commit, 5, 6, 99, Checksums.FLAG | 3)
            .withWal(4128, 8240, 7, 8),
        pages,
        Checksums.FLAG | 4);
  }

  /** Decodes fully; returns the logical content if the file is accepted. */
  private static String decodeFully(byte[] file) throws IOException {
    TestFiles.Decoded d = TestFiles.decode(file);
    StringBuilder sb = new StringBuilder(d.header() + " " + d.trailer());
    d.pages()
        .forEach(
            (pgno, page) ->
                sb.append(' ')
                    .append(pgno)
                    .append(':')
                    .append(Arrays.hashCode(page))
                    .append('/')
                    .append(Checksums.page(pgno, page)));
    return sb.toString();
  }

  @Test
  void everySingleByteFlipIsDetected() throws IOException {
    for (boolean snapshot : new boolean[] {false, true}) {
      byte[] file = sampleFile(new Random(1), 512, snapshot);
      for (int i = 0; i < file.length; i++) {
        for (int bit : new int[] {0x01, 0x80}) {
          byte[] bad = file.clone();
          bad[i] ^= (byte) bit;
          expectRejectedOrSame(file, bad, "flip of bit " + bit + " at offset " + i);
        }
      }
    }
  }

  @Property(tries = 200)
  void anyByteChangeIsDetected(
      @ForAll long seed, @ForAll @IntRange(min = 9, max = 13) int log2, @ForAll boolean snapshot)
      throws IOException {
    Random rnd = new Random(seed);
    byte[] file = sampleFile(rnd, 1 << log2, snapshot);
    byte[] bad = file.clone();
    int at = rnd.nextInt(file.length);
    bad[at] = (byte) (bad[at] + 1 + rnd.nextInt(255));
    expectRejectedOrSame(file, bad, "change at offset " + at);
  }

  private static void expectRejectedOrSame(byte[] good, byte[] bad, String what) {
    try {
      String content = decodeFully(bad);
      if (!content.equals(decodeFully(good))) {
        fail("accepted a file with a " + what + " and decoded different content");
      }
    } catch (LtxException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    } catch (Throwable t) {
      throw new AssertionError("a " + what + " raised " + t + " instead of an LtxException", t);
    }
  }

  /**
   * Thousands of mutated, truncated, spliced and extended files: the decoder and the page index
   * must fail with an LtxException (or accept a file that really is valid), in bounded time.
   */
  @Test
  void fuzzedFilesOnlyEverRaiseLtxException() throws IOException {
    Random rnd = new Random(2024);
    byte[][] seeds = {
      sampleFile(rnd, 512, false),
      sampleFile(rnd, 512, true),
      sampleFile(rnd, 4096, true),
      LegacyFrameTest.legacyFile(rnd, 1024),
    };
    long deadline = System.nanoTime() + 60_000_000_000L;
    String[] seedContent = new String[seeds.length];
    for (int i = 0; i < seeds.length; i++) {
      seedContent[i] = decodeFully(seeds[i]);
    }
    int accepted = 0;
    for (int i = 0; i < 20000; i++) {
      byte[] seed = seeds[i % seeds.length];
      byte[] bad = mutate(rnd, seed);
      try {
        String content = decodeFully(bad);
        accepted++;
        if (!content.equals(seedContent[i % seeds.length])) {
          throw new AssertionError("mutation #" + i + " was accepted with different content");
        }
      } catch (LtxException expected) {
        // fine
      } catch (Throwable t) {
        throw new AssertionError("mutation #" + i + " raised " + t, t);
      }
      try {
        var ch = new InMemoryChannel(bad);
        LtxPageIndex idx = LtxPageIndex.read(ch);
        for (PageIndexEntry e : idx.entries()) {
          idx.readPage(ch, e.pgno());
        }
      } catch (LtxException expected) {
        // fine
      } catch (Throwable t) {
        throw new AssertionError("page index on mutation #" + i + " raised " + t, t);
      }
      assertThat(System.nanoTime()).as("fuzzing must finish in bounded time").isLessThan(deadline);
    }
    assertThat(accepted).isLessThan(20000);
  }

  private static byte[] mutate(Random rnd, byte[] seed) {
    byte[] b = seed.clone();
    switch (rnd.nextInt(7)) {
      case 0 -> { // random bytes overwritten
        for (int n = 1 + rnd.nextInt(4); n > 0; n--) {
          b[rnd.nextInt(b.length)] = (byte) rnd.nextInt();
        }
      }
      case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length)); // truncated
      case 2 -> { // huge values in size-like fields
        int at = rnd.nextInt(b.length - 4);
        b[at] = (byte) 0x7f;
        b[at + 1] = (byte) 0xff;
        b[at + 2] = (byte) 0xff;
        b[at + 3] = (byte) 0xff;
      }
      case 3 -> { // bytes appended
        byte[] tail = new byte[1 + rnd.nextInt(64)];
        rnd.nextBytes(tail);
        byte[] c = Arrays.copyOf(b, b.length + tail.length);
        System.arraycopy(tail, 0, c, b.length, tail.length);
        b = c;
      }
      case 4 -> { // a range duplicated (spliced frames)
        int from = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(200, b.length - from));
        int to = rnd.nextInt(b.length);
        byte[] c = new byte[b.length + len];
        System.arraycopy(b, 0, c, 0, to);
        System.arraycopy(b, from, c, to, len);
        System.arraycopy(b, to, c, to + len, b.length - to);
        b = c;
      }
      case 5 -> { // a range deleted
        int from = rnd.nextInt(b.length);
        int len = 1 + rnd.nextInt(Math.min(200, b.length - from));
        byte[] c = new byte[b.length - len];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(b, from + len, c, from, b.length - from - len);
        b = c;
      }
      default -> { // 0xff runs (varint continuation, negative sizes)
        int at = rnd.nextInt(b.length);
        Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(12)), (byte) 0xff);
      }
    }
    return b;
  }

  @Test
  void decoderNeverReadsPastAHostileSizeIntoMemory() {
    // A frame claiming a 2 GiB compressed size must fail before allocating or reading it.
    RawLtx r = new RawLtx(LtxHeader.incremental(65536, 10, 2, 2, 0, Checksums.FLAG));
    byte[] hdr = {0, 0, 0, 1, 0, 1, (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    byte[] file = r.bytes(hdr).finish(Checksums.FLAG);
    try {
      new LtxDecoder(new ByteArrayInputStream(file)).nextPage(new byte[65536]);
      fail("accepted a 2 GiB page");
    } catch (IOException e) {
      assertThat(e)
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("compressed size 2147483647");
    }
  }
}
