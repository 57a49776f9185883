package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A codec decompresses its first {@link PageCodec#JAVA_DECOMPRESS_BYTES} with the pure-Java
 * decompressor and the rest with the native one: pages on both sides of the switch come out exactly
 * as they went in, and damage is caught on both sides.
 */
class PageCodecSwitchTest {
  private static final int PAGE = 4096;

  @Test
  void pagesBeforeAndAfterTheSwitchDecodeExactlyAndDamageIsCaught() throws Exception {
    PageCodec codec = new PageCodec(PAGE);
    int pages = (int) (PageCodec.JAVA_DECOMPRESS_BYTES / PAGE) * 2;
    Random random = new Random(14);
    byte[] compressed = new byte[codec.maxCompressedLength()];
    byte[] out = new byte[PAGE];
    for (int i = 1; i <= pages; i++) {
      byte[] page = new byte[PAGE];
      for (int j = 0; j < PAGE; j += 64) {
        Arrays.fill(page, j, j + 64, (byte) random.nextInt(i % 7 == 0 ? 256 : 4));
      }
      int n = codec.compress(page, 0, compressed, 0);
      codec.readBlock(new ArraySource(Arrays.copyOf(compressed, n), 0), i, 0, n, out);
      assertThat(out).as("page %d", i).isEqualTo(page);
      if (i == pages / 4 || i == pages - 1) {
        byte[] damaged = Arrays.copyOf(compressed, n);
        damaged[0] = (byte) 0xff; // a literal run far longer than the block
        assertThatThrownBy(
                () -> codec.readBlock(new ArraySource(damaged, 0), 7, 0, n, new byte[PAGE]))
            .as("damage at page %d", i)
            .isInstanceOf(LtxException.class);
      }
    }
  }
}
