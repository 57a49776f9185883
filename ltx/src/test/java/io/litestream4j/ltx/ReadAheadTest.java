package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder that reads ahead on a thread of its own ({@link FrameReadAhead}) returns the same
 * pages, checksums and trailer as one that does not, fails with the same error after the same pages
 * on damaged input, and leaves no thread behind.
 */
class ReadAheadTest {
  private static final int PAGE_SIZE = 4096;
  private static final int PAGES = 3000; // 12 MiB: past the read-ahead threshold

  @TempDir Path dir;

  /**
   * What a decoder produced: pages in order, their checksums, a CRC of their content, and the
   * trailer or the error.
   */
  private record Outcome(
      List<Integer> pgnos, List<Long> checksums, List<Long> contents, Object end) {}

  private static final TreeMap<Integer, byte[]> DB = new TreeMap<>();
  private static final byte[] SNAPSHOT;

  static {
    Random rnd = new Random(11);
    for (int p = 1; p <= PAGES; p++) {
      DB.put(p, TestFiles.page(rnd, PAGE_SIZE));
    }
    try {
      SNAPSHOT =
          TestFiles.encode(
              LtxHeader.snapshot(PAGE_SIZE, PAGES, 1, 0), DB, TestFiles.checksum(PAGE_SIZE, DB));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Outcome decode(byte[] file, boolean readAhead) throws IOException {
    List<Integer> pgnos = new ArrayList<>();
    List<Long> checksums = new ArrayList<>();
    List<Long> contents = new ArrayList<>();
    try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file), readAhead)) {
      byte[] page = new byte[PAGE_SIZE];
      Throwable failure =
          catchThrowable(
              () -> {
                for (int pgno = dec.nextPage(page); pgno != 0; pgno = dec.nextPage(page)) {
                  pgnos.add(pgno);
                  contents.add(Crc64.of(page));
                  checksums.add(dec.pageChecksum());
                }
              });
      if (failure != null) {
        return new Outcome(
            pgnos, checksums, contents, failure.getClass() + ": " + failure.getMessage());
      }
      Object end;
      try {
        end = dec.finish();
      } catch (IOException e) {
        end = e.getClass() + ": " + e.getMessage();
      }
      return new Outcome(pgnos, checksums, contents, end);
    }
  }

  @Test
  void sameResultAsReadingInline() throws IOException {
    Outcome inline = decode(SNAPSHOT, false);
    Outcome ahead = decode(SNAPSHOT, true);
    assertThat(inline.pgnos()).hasSize(PAGES);
    assertThat(inline.contents()).isEqualTo(DB.values().stream().map(Crc64::of).toList());
    assertThat(inline.end()).isInstanceOf(LtxTrailer.class);
    assertThat(ahead).isEqualTo(inline);
    awaitNoReadAheadThread();
  }

  @Test
  void damagedInputFailsTheSameWayAfterTheSamePages() throws IOException {
    int late = SNAPSHOT.length - SNAPSHOT.length / 8; // inside frames read ahead
    List<byte[]> damaged = new ArrayList<>();
    damaged.add(Arrays.copyOf(SNAPSHOT, late)); // truncated among the frames
    for (int at : new int[] {late, late + 1, late + 9, SNAPSHOT.length - 3}) {
      byte[] b = SNAPSHOT.clone();
      b[at] ^= 0x5a; // a frame header, compressed data, or the file checksum
      damaged.add(b);
    }
    for (byte[] b : damaged) {
      Outcome inline = decode(b, false);
      assertThat(inline.end()).isInstanceOf(String.class);
      assertThat(decode(b, true)).isEqualTo(inline);
    }
    awaitNoReadAheadThread();
  }

  @Test
  void restoreThroughTheApplierGivesTheDatabase() throws IOException {
    // A snapshot read ahead, merged with a later file that rewrites and adds pages.
    Random rnd = new Random(12);
    TreeMap<Integer, byte[]> after = new TreeMap<>(DB);
    TreeMap<Integer, byte[]> changed = new TreeMap<>();
    for (int p : new int[] {2, 1500, 2999, PAGES + 1}) {
      changed.put(p, TestFiles.page(rnd, PAGE_SIZE));
    }
    after.putAll(changed);
    byte[] delta =
        TestFiles.encode(
            LtxHeader.incremental(
                PAGE_SIZE, PAGES + 1, 2, 2, 1000, TestFiles.checksum(PAGE_SIZE, DB)),
            changed,
            TestFiles.checksum(PAGE_SIZE, after));
    Path db = dir.resolve("db");
    try (FileChannel ch =
        FileChannel.open(
            db, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      LtxApplier a = LtxApplier.restore(TestFiles.streams(List.of(SNAPSHOT, delta)), ch);
      assertThat(a.txid()).isEqualTo(2);
      assertThat(a.checksum()).isEqualTo(TestFiles.checksum(PAGE_SIZE, after));
      assertThat(DatabaseChecksum.read(ch, PAGE_SIZE, PAGES + 1).value()).isEqualTo(a.checksum());
    }
    assertThat(Files.readAllBytes(db)).isEqualTo(History.image(after, PAGE_SIZE));
    awaitNoReadAheadThread();
  }

  @Test
  void closingMidWayEndsTheThread() throws IOException {
    try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(SNAPSHOT), true)) {
      byte[] page = new byte[PAGE_SIZE];
      for (int i = 0; i < PAGES - 500; i++) {
        assertThat(dec.nextPage(page)).isEqualTo(i + 1);
      }
      assertThat(readAheadThreadAlive()).isTrue();
    }
    awaitNoReadAheadThread();
  }

  private static boolean readAheadThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(FrameReadAhead.THREAD_NAME) && t.isAlive());
  }

  private static void awaitNoReadAheadThread() {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (readAheadThreadAlive()) {
      assertThat(Instant.now()).as("the read-ahead thread ended").isBefore(deadline);
      Thread.onSpinWait();
    }
  }
}
