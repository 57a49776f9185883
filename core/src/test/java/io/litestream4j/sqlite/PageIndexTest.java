package io.litestream4j.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageIndexTest {

  @Test
  void pageNumbersAreUnsigned() {
    int high = 0xfffffffe; // SQLite's largest page number
    PageIndex index = PageIndex.of(new int[] {1, 7, high}, new long[] {32, 64, 96});

    assertThat(index.frameOffsetOf(high)).hasValue(96);
    assertThat(index.frameOffsetOf(7)).hasValue(64);
    assertThat(index.frameOffsetOf(2)).isEmpty();
    assertThat(index.toMap().lastKey()).isEqualTo(high);
  }

  @Test
  void rejectsUnsortedOrMismatchedArrays() {
    assertThatThrownBy(() -> PageIndex.of(new int[] {3, 2}, new long[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly increasing, got 3 before 2");
    assertThatThrownBy(() -> PageIndex.of(new int[] {1}, new long[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length");
  }

  @Test
  void isACopyOfTheCallersArrays() {
    int[] pgnos = {1, 2};
    PageIndex index = PageIndex.of(pgnos, new long[] {32, 64});
    pgnos[0] = 9;

    assertThat(index.pgno(0)).isEqualTo(1);
    assertThat(index).isEqualTo(PageIndex.of(new int[] {1, 2}, new long[] {32, 64}));
  }
}
