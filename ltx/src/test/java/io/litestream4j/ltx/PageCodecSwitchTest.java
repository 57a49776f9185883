package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4Exception;
import org.junit.jupiter.api.Test;

/**
 * A codec decompresses its first {@link PageCodec#JAVA_DECOMPRESS_BYTES} with {@link Lz4Block},
 * then asks for lz4-java's native decompressor ({@link Lz4Native}, loaded in the background) and
 * uses it once loaded: pages on both sides of the switch come out exactly as they went in, and
 * damage is caught on both sides, by the decoder of that side (told apart by the exception each
 * throws: IllegalArgumentException from Lz4Block, LZ4Exception from lz4-java).
 */
class PageCodecSwitchTest {
  private static final int PAGE = 4096;

  @Test
  void pagesBeforeAndAfterTheSwitchDecodeExactlyAndDamageIsCaught() throws Exception {
    PageCodec codec = new PageCodec(PAGE);
    int javaPages = (int) (PageCodec.JAVA_DECOMPRESS_BYTES / PAGE);
    Random random = new Random(14);
    byte[] compressed = new byte[codec.maxCompressedLength()];
    byte[] out = new byte[PAGE];
    boolean nativeSeen = false;
    long deadline = System.nanoTime() + 60_000_000_000L;
    for (int i = 1; !nativeSeen || i <= javaPages + 10; i++) {
      assertThat(System.nanoTime() - deadline)
          .as("lz4-java's native decompressor loaded within a minute")
          .isNegative();
      byte[] page = new byte[PAGE];
      for (int j = 0; j < PAGE; j += 64) {
        Arrays.fill(page, j, j + 64, (byte) random.nextInt(i % 7 == 0 ? 256 : 4));
      }
      int n = codec.compress(page, 0, compressed, 0);
      boolean loaded = Lz4Native.decompressorIfLoaded() != null;
      if (i == 1 || i == javaPages / 2 || i == javaPages || i > javaPages && loaded) {
        // Page i is decoded after i - 1 pages: by Lz4Block up to page javaPages, natively once
        // the native decompressor is loaded.
        byte[] damaged = Arrays.copyOf(compressed, n);
        damaged[0] = (byte) 0xff; // a literal run far longer than the block
        Throwable t =
            catchThrowable(
                () -> codec.readBlock(new ArraySource(damaged, 0), 7, 0, n, new byte[PAGE]));
        assertThat(t).as("damage at page %d", i).isInstanceOf(LtxException.class);
        assertThat(t.getMessage()).contains("corrupt LZ4 data");
        boolean expectNative = i > javaPages && loaded;
        assertThat(t.getCause())
            .as("decoder of page %d", i)
            .isExactlyInstanceOf(
                expectNative ? LZ4Exception.class : IllegalArgumentException.class);
        nativeSeen |= expectNative;
      }
      codec.readBlock(new ArraySource(Arrays.copyOf(compressed, n), 0), i, 0, n, out);
      assertThat(out).as("page %d", i).isEqualTo(page);
    }
    assertThat(nativeSeen).isTrue();
  }
}
