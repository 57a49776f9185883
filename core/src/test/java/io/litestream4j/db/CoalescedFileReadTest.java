package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shared read never answers with content older than the caller's call. */
class CoalescedFileReadTest {
  @TempDir Path tmp;

  @Test
  void everyCallSeesWhatWasWrittenBeforeIt() throws Exception {
    Path file = tmp.resolve("locks");
    CoalescedFileRead reader = new CoalescedFileRead(file);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 50; round++) {
        Files.writeString(file, "round " + round + "\n");
        List<Future<List<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          answers.add(pool.submit(reader::readLines));
        }
        for (Future<List<String>> a : answers) {
          assertThat(a.get(10, TimeUnit.SECONDS)).containsExactly("round " + round);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aMissingFileFailsEveryCaller() {
    CoalescedFileRead reader = new CoalescedFileRead(tmp.resolve("absent"));
    org.assertj.core.api.Assertions.assertThatThrownBy(reader::readLines)
        .isInstanceOf(java.io.IOException.class);
  }
}
