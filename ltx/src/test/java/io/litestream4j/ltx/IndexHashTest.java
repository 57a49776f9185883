package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IndexHashTest {
  private static long hash(long[][] entries) {
    IndexHash h = new IndexHash();
    for (long[] e : entries) {
      h.add(e[0], e[1], e[2]);
    }
    return h.value();
  }

  @Test
  void equalSequencesHashEqualAndAnyChangeShows() {
    Random rnd = new Random(5);
    long[][] entries = new long[50][];
    long offset = 100;
    for (int i = 0; i < entries.length; i++) {
      long size = 20 + rnd.nextInt(4000);
      entries[i] = new long[] {i + 1, offset, size};
      offset += size;
    }
    long base = hash(entries);
    assertThat(hash(entries.clone())).isEqualTo(base);
    Set<Long> seen = new HashSet<>();
    seen.add(base);
    for (int i = 0; i < entries.length; i++) {
      for (int field = 0; field < 3; field++) {
        for (long delta : new long[] {1, -1, 1L << 32, 4096}) {
          long[][] changed = entries.clone();
          changed[i] = entries[i].clone();
          changed[i][field] += delta;
          assertThat(seen.add(hash(changed))).as("entry %d field %d %+d", i, field, delta).isTrue();
        }
      }
      long[][] swapped = entries.clone();
      int j = (i + 1) % entries.length;
      swapped[i] = entries[j];
      swapped[j] = entries[i];
      assertThat(hash(swapped)).as("entries %d and %d swapped", i, j).isNotEqualTo(base);
    }
    long[][] shorter = java.util.Arrays.copyOf(entries, entries.length - 1);
    assertThat(hash(shorter)).isNotEqualTo(base);
  }
}
