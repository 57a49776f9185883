package io.litestream4j.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Synthetic WALs in both checksum byte orders, damaged in the ways crashes and WAL resets damage
 * them: the reader must stop at the last valid commit frame.
 */
class WalReaderTest {
  private static final int PAGE = 512;
  private static final int FRAME = PAGE + WalFrameHeader.SIZE;
  private static final int SALT1 = 0x01020304;
  private static final int SALT2 = 0xcafebabe;

  @TempDir Path dir;

  static Stream<ByteOrder> orders() {
    return Stream.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN);
  }

  /** Three transactions: pages {1,2} (size 2), {3,1,3} (size 3), {2,4} (size 4). */
  private static SyntheticWal threeTransactions(ByteOrder order) {
    return new SyntheticWal(order, PAGE, SALT1, SALT2)
        .transaction(2, 1, 1, 2)
        .transaction(3, 2, 3, 1, 3)
        .transaction(4, 3, 2, 4);
  }

  @ParameterizedTest
  @MethodSource("orders")
  void readsAllCommittedFramesAndLatestVersionOfEachPage(ByteOrder order) throws Exception {
    SyntheticWal wal = threeTransactions(order);

    WalSegment segment = scan(wal.bytes());

    assertThat(segment.commits()).isEqualTo(3);
    assertThat(segment.frames()).isEqualTo(7);
    assertThat(segment.commit()).isEqualTo(4);
    assertThat(segment.end())
        .isEqualTo(
            new WalPosition(
                wal.frameOffset(7), SALT1, SALT2, wal.checksum().s1(), wal.checksum().s2()));
    assertThat(segment.pages().toMap())
        .isEqualTo(
            Map.of(
                1,
                wal.frameOffset(3),
                2,
                wal.frameOffset(5),
                3,
                wal.frameOffset(4),
                4,
                wal.frameOffset(6)));
    assertThat(segment.pages().toMap().keySet()).containsExactly(1, 2, 3, 4);
    assertThat(segment.pages().pgnos()).containsExactly(1, 2, 3, 4);
    assertThat(segment.pages().frameOffsetOf(3)).hasValue(wal.frameOffset(4));
    assertThat(segment.pages().frameOffsetOf(5)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("orders")
  void pagesReadBackAreTheLatestCommittedVersions(ByteOrder order) throws Exception {
    Path file = write(threeTransactions(order).bytes());
    try (FileChannel channel = FileChannel.open(file)) {
      WalReader reader = WalFixtures.reader(channel);
      WalSegment segment = reader.scan(reader.start());
      ByteBuffer page = ByteBuffer.allocate(PAGE);
      reader.readPage(1, segment.pages().frameOffsetOf(1).orElseThrow(), page);
      assertThat(page.array()).isEqualTo(SyntheticWal.page(PAGE, 2001)); // transaction 2's page 1

      List<Integer> visited = new ArrayList<>();
      reader.readFrames(
          segment,
          (frame, bytes) -> {
            assertThat(bytes.remaining()).isEqualTo(PAGE);
            visited.add(frame.pgno());
          });
      assertThat(visited).containsExactly(1, 2, 3, 1, 3, 2, 4);
    }
  }

  @Test
  void walShorterThanHeaderIsAbsentContent() throws Exception {
    for (byte[] bytes :
        List.of(new byte[0], Arrays.copyOf(threeTransactions(ByteOrder.BIG_ENDIAN).bytes(), 31))) {
      try (FileChannel channel = FileChannel.open(write(bytes))) {
        assertThat(WalReader.open(channel)).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("orders")
  void headerOnlyHasNoFrames(ByteOrder order) throws Exception {
    SyntheticWal wal = new SyntheticWal(order, PAGE, SALT1, SALT2);

    WalSegment segment = scan(wal.bytes());

    assertThat(segment.isEmpty()).isTrue();
    assertThat(segment.end()).isEqualTo(segment.start());
    assertThat(segment.pages().isEmpty()).isTrue();
    assertThat(segment.commit()).isZero();
  }

  @ParameterizedTest
  @MethodSource("orders")
  void frameWithForeignSaltEndsTheValidContent(ByteOrder order) throws Exception {
    SyntheticWal wal =
        new SyntheticWal(order, PAGE, SALT1, SALT2)
            .transaction(2, 1, 1, 2)
            .transaction(3, 2, 3)
            .frame(1, 0, SyntheticWal.page(PAGE, 9), SALT1, SALT2 + 1)
            .transaction(3, 4, 2);

    assertThat(scan(wal.bytes()).commits()).isEqualTo(2);
  }

  @ParameterizedTest
  @MethodSource("orders")
  void checksumMismatchMidwayEndsTheValidContent(ByteOrder order) throws Exception {
    SyntheticWal wal = threeTransactions(order);
    byte[] bytes = wal.bytes();
    bytes[(int) wal.frameOffset(3) + WalFrameHeader.SIZE + 100] ^=
        0x40; // page byte in transaction 2

    WalSegment segment = scan(bytes);

    assertThat(segment.commits()).isEqualTo(1);
    assertThat(segment.end().offset()).isEqualTo(wal.frameOffset(2));
    assertThat(segment.pages().toMap()).containsOnlyKeys(1, 2);
  }

  @ParameterizedTest
  @MethodSource("orders")
  void partiallyWrittenLastFrameIsIgnored(ByteOrder order) throws Exception {
    SyntheticWal wal = threeTransactions(order);
    byte[] bytes = Arrays.copyOf(wal.bytes(), (int) wal.frameOffset(6) + FRAME - 1);

    WalSegment segment = scan(bytes);

    assertThat(segment.commits()).isEqualTo(2);
    assertThat(segment.commit()).isEqualTo(3);
    assertThat(segment.end().offset()).isEqualTo(wal.frameOffset(5));
  }

  @ParameterizedTest
  @MethodSource("orders")
  void framesAfterTheLastCommitAreIgnored(ByteOrder order) throws Exception {
    SyntheticWal wal =
        new SyntheticWal(order, PAGE, SALT1, SALT2)
            .transaction(2, 1, 1, 2)
            .frame(3, 0, SyntheticWal.page(PAGE, 5))
            .frame(1, 0, SyntheticWal.page(PAGE, 6));

    WalSegment segment = scan(wal.bytes());

    assertThat(segment.commits()).isEqualTo(1);
    assertThat(segment.frames()).isEqualTo(2);
    assertThat(segment.pages().toMap())
        .isEqualTo(Map.of(1, wal.frameOffset(0), 2, wal.frameOffset(1)));
  }

  @ParameterizedTest
  @MethodSource("orders")
  void staleFramesOfThePreviousGenerationAfterAResetAreIgnored(ByteOrder order) throws Exception {
    byte[] old =
        new SyntheticWal(order, PAGE, 3, SALT1, SALT2)
            .transaction(5, 1, 1, 2, 3, 4, 5)
            .transaction(5, 2, 1, 2, 3)
            .bytes();
    SyntheticWal reset =
        new SyntheticWal(order, PAGE, 4, SALT1 + 1, 0x77777777).transaction(5, 3, 4, 1);
    byte[] bytes = old.clone();
    System.arraycopy(
        reset.bytes(), 0, bytes, 0, reset.bytes().length); // written from the start, not truncated

    WalSegment segment = scan(bytes);

    assertThat(segment.commits()).isEqualTo(1);
    assertThat(segment.frames()).isEqualTo(2);
    assertThat(segment.end().offset()).isEqualTo(reset.frameOffset(2)).isLessThan(bytes.length);
    assertThat(segment.end().salt1()).isEqualTo(SALT1 + 1);
  }

  @ParameterizedTest
  @MethodSource("orders")
  void frameForPageZeroIsInvalid(ByteOrder order) throws Exception {
    SyntheticWal wal =
        new SyntheticWal(order, PAGE, SALT1, SALT2).transaction(1, 1, 1).transaction(1, 2, 0);

    assertThat(scan(wal.bytes()).commits()).isEqualTo(1);
  }

  @Test
  void pagesBeyondAShrunkDatabaseAreDropped() throws Exception {
    SyntheticWal wal =
        new SyntheticWal(ByteOrder.BIG_ENDIAN, PAGE, SALT1, SALT2)
            .transaction(5, 1, 1, 2, 3, 4, 5)
            .transaction(3, 2, 1);

    WalSegment segment = scan(wal.bytes());

    assertThat(segment.commit()).isEqualTo(3);
    assertThat(segment.pages().toMap())
        .isEqualTo(Map.of(1, wal.frameOffset(5), 2, wal.frameOffset(1), 3, wal.frameOffset(2)));
  }

  @Test
  void byteLimitEndsOnACommitFrameAndAlwaysMakesProgress() throws Exception {
    SyntheticWal wal = threeTransactions(ByteOrder.LITTLE_ENDIAN); // 2, 3 and 2 frames
    try (FileChannel channel = FileChannel.open(write(wal.bytes()))) {
      WalReader reader = WalFixtures.reader(channel);

      WalSegment first = reader.scan(reader.start(), 4L * FRAME);
      assertThat(first.commits()).isEqualTo(1);
      assertThat(first.end().offset()).isEqualTo(wal.frameOffset(2));

      WalSegment oversized = reader.scan(first.end(), 1); // transaction 2 alone exceeds the limit
      assertThat(oversized.commits()).isEqualTo(1);
      assertThat(oversized.frames()).isEqualTo(3);

      WalSegment rest = reader.scan(oversized.end(), 2L * FRAME);
      assertThat(rest.commits()).isEqualTo(1);
      assertThat(rest.end().offset()).isEqualTo(channel.size());
      assertThat(rest.pages().toMap()).containsOnlyKeys(2, 4);

      assertThat(reader.scan(rest.end(), 1).isEmpty()).isTrue();
    }
  }

  @Test
  void continuationIsCheckedAgainstTheLastCommitFrame() throws Exception {
    SyntheticWal wal = threeTransactions(ByteOrder.BIG_ENDIAN);
    Path file = write(wal.bytes());
    WalPosition afterSecond;
    try (FileChannel channel = FileChannel.open(file)) {
      WalReader reader = WalFixtures.reader(channel);
      afterSecond = reader.scan(reader.start(), 5L * FRAME).end();
      assertThat(afterSecond.offset()).isEqualTo(wal.frameOffset(5));
      assertThat(reader.continuesFrom(reader.start())).isTrue();
      assertThat(reader.continuesFrom(afterSecond)).isTrue();
      assertThat(reader.continuesFrom(new WalPosition(afterSecond.offset(), SALT1, SALT2, 1, 2)))
          .isFalse();
      assertThat(
              reader.continuesFrom(
                  new WalPosition(
                      wal.frameOffset(4),
                      SALT1,
                      SALT2,
                      afterSecond.checksum1(),
                      afterSecond.checksum2())))
          .as("not after a commit frame")
          .isFalse();
    }
    Files.write(file, Arrays.copyOf(wal.bytes(), (int) wal.frameOffset(4)));
    try (FileChannel channel = FileChannel.open(file)) {
      assertThat(WalFixtures.reader(channel).continuesFrom(afterSecond)).as("truncated").isFalse();
    }
  }

  @Test
  void readFramesDetectsAWalChangedSinceTheScan() throws Exception {
    SyntheticWal wal = threeTransactions(ByteOrder.LITTLE_ENDIAN);
    Path file = write(wal.bytes());
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      WalReader reader = WalFixtures.reader(channel);
      WalSegment segment = reader.scan(reader.start());
      channel.write(
          ByteBuffer.wrap(new byte[] {1, 2, 3}), wal.frameOffset(4) + WalFrameHeader.SIZE);

      assertThatThrownBy(() -> reader.readFrames(segment, (frame, page) -> {}))
          .isInstanceOf(SqliteFormatException.class)
          .hasMessageContaining("frame at offset " + wal.frameOffset(4) + " no longer validates");
    }
  }

  @Test
  void readPageDetectsAFrameOfAnotherGeneration() throws Exception {
    SyntheticWal wal = threeTransactions(ByteOrder.LITTLE_ENDIAN);
    Path file = write(wal.bytes());
    try (FileChannel channel = FileChannel.open(file)) {
      WalReader reader = WalFixtures.reader(channel);
      ByteBuffer page = ByteBuffer.allocate(PAGE);

      assertThatThrownBy(() -> reader.readPage(4, wal.frameOffset(0), page))
          .isInstanceOf(SqliteFormatException.class)
          .hasMessageContaining("holds page 1")
          .hasMessageContaining("expected page 4");
    }
  }

  @Test
  void invalidHeadersAreRejectedPrecisely() throws Exception {
    byte[] good = threeTransactions(ByteOrder.BIG_ENDIAN).bytes();

    byte[] badMagic = good.clone();
    badMagic[3] = 0x00;
    assertOpenFails(badMagic, "not a SQLite WAL: magic is 0x377f0600");

    byte[] badChecksum = good.clone();
    badChecksum[16] ^= 1; // salt-1 changed, checksum not
    assertOpenFails(badChecksum, "WAL header checksum mismatch");

    byte[] badPageSize = new SyntheticWal(ByteOrder.BIG_ENDIAN, PAGE, SALT1, SALT2).bytes();
    ByteBuffer.wrap(badPageSize).putInt(8, 1000);
    assertOpenFails(badPageSize, "invalid page size 1000");

    byte[] badVersion = good.clone();
    ByteBuffer.wrap(badVersion).putInt(4, 3007001);
    assertOpenFails(badVersion, "unsupported WAL format version 3007001");
  }

  @Test
  void positionsOfAnotherGenerationAreRefused() throws Exception {
    try (FileChannel channel =
        FileChannel.open(write(threeTransactions(ByteOrder.BIG_ENDIAN).bytes()))) {
      WalReader reader = WalFixtures.reader(channel);

      assertThatThrownBy(() -> reader.scan(new WalPosition(WalHeader.SIZE, SALT1 + 1, SALT2, 0, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("another WAL generation");
      assertThatThrownBy(
              () -> reader.scan(new WalPosition(WalHeader.SIZE + 10, SALT1, SALT2, 0, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a frame boundary");
    }
  }

  @Test
  void largeWalIsReadInChunksAcrossBufferBoundaries() throws Exception {
    SyntheticWal wal = new SyntheticWal(ByteOrder.LITTLE_ENDIAN, 4096, SALT1, SALT2);
    int transactions = 200;
    for (int t = 0; t < transactions; t++) {
      wal.transaction(1000, t, t % 50 + 1, (t * 7) % 1000 + 1, 1000 - t);
    }

    WalSegment segment = scan(wal.bytes());

    assertThat(segment.commits()).isEqualTo(transactions);
    assertThat(segment.frames()).isEqualTo(3 * transactions);
    assertThat(segment.end().offset()).isEqualTo(wal.bytes().length);
  }

  private void assertOpenFails(byte[] bytes, String message) throws IOException {
    try (FileChannel channel = FileChannel.open(write(bytes))) {
      assertThatThrownBy(() -> WalReader.open(channel))
          .isInstanceOf(SqliteFormatException.class)
          .hasMessageContaining(message);
    }
  }

  private WalSegment scan(byte[] bytes) throws IOException {
    try (FileChannel channel = FileChannel.open(write(bytes))) {
      WalReader reader = WalFixtures.reader(channel);
      return reader.scan(reader.start());
    }
  }

  private Path write(byte[] bytes) throws IOException {
    return Files.write(Files.createTempFile(dir, "test", ".db-wal"), bytes);
  }
}
