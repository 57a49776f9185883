package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.sqlite.PageIndex;
import org.junit.jupiter.api.Test;

class L0FileWriterTest {

  private static PageIndex walPages(int... pgnos) {
    return PageIndex.of(pgnos, new long[pgnos.length]);
  }

  @Test
  void anIncrementalFileHoldsTheSegmentsPagesInOrder() {
    assertThat(L0FileWriter.pagesToWrite(walPages(2, 5, 7), 10, 10, 1000)).containsExactly(2, 5, 7);
  }

  @Test
  void pagesTheDatabaseGrewByComeFromTheFileWhenTheSegmentLacksThem() {
    assertThat(L0FileWriter.pagesToWrite(walPages(3, 12), 10, 13, 1000))
        .containsExactly(3, 11, 12, 13);
  }

  @Test
  void pagesAboveTheNewCommitAndTheLockPageAreNeverWritten() {
    assertThat(L0FileWriter.pagesToWrite(walPages(2, 8, 9), 10, 8, 1000)).containsExactly(2, 8);
    assertThat(L0FileWriter.pagesToWrite(walPages(4, 5), 3, 6, 5)).containsExactly(4, 6);
  }
}
