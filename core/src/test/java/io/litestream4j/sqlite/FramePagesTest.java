package io.litestream4j.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages a scan keeps must be exactly what reading the segment's frames from the WAL gives, and
 * a page the scan did not keep for the segment's own frame must not be handed out.
 */
class FramePagesTest {
  private static final int PAGE = 512;
  private static final int SALT1 = 0x01020304;
  private static final int SALT2 = 0xcafebabe;

  @TempDir Path dir;

  @Test
  void keptPagesAreTheSegmentsCommittedFramesNeverAFrameAfterTheLastCommit() throws Exception {
    SyntheticWal wal =
        new SyntheticWal(ByteOrder.LITTLE_ENDIAN, PAGE, SALT1, SALT2)
            .transaction(2, 1, 1, 2)
            .transaction(3, 2, 3, 1, 3)
            .frame(1, 0, SyntheticWal.page(PAGE, 77)) // unfinished transaction rewriting page 1
            .frame(4, 0, SyntheticWal.page(PAGE, 78));

    try (FileChannel channel = FileChannel.open(write(wal.bytes()))) {
      WalReader reader = WalFixtures.reader(channel);
      FramePages kept = new FramePages(PAGE, 1 << 20);
      WalSegment segment = reader.scan(reader.start(), Long.MAX_VALUE, kept);

      assertThat(segment.pages().pgnos()).containsExactly(1, 2, 3);
      assertThat(copy(kept, segment, 1)).as("page 1 was read again after the last commit").isNull();
      assertThat(copy(kept, segment, 2)).isEqualTo(readPage(reader, segment, 2));
      assertThat(copy(kept, segment, 3)).isEqualTo(readPage(reader, segment, 3));
    }
  }

  @Test
  void aBoundedBufferKeepsTheFirstPagesAndExactBytesOnly() throws Exception {
    SyntheticWal wal = new SyntheticWal(ByteOrder.BIG_ENDIAN, PAGE, SALT1, SALT2);
    for (int t = 0; t < 100; t++) {
      wal.transaction(300, t, t % 40 + 1, (t * 7) % 300 + 1, 300 - t);
    }
    try (FileChannel channel = FileChannel.open(write(wal.bytes()))) {
      WalReader reader = WalFixtures.reader(channel);
      FramePages kept = new FramePages(PAGE, 10 * PAGE);
      WalSegment segment = reader.scan(reader.start(), Long.MAX_VALUE, kept);

      int handedOut = 0;
      for (int pgno : segment.pages().pgnos()) {
        byte[] page = copy(kept, segment, pgno);
        if (page != null) {
          handedOut++;
          assertThat(page).as("page %d", pgno).isEqualTo(readPage(reader, segment, pgno));
        }
      }
      assertThat(kept.size()).isEqualTo(10);
      assertThat(handedOut).isBetween(1, 10);

      // A second scan of the same reader starts empty: nothing of the first is handed out.
      WalSegment none = reader.scan(segment.end(), Long.MAX_VALUE, kept);
      assertThat(none.isEmpty()).isTrue();
      assertThat(kept.size()).isZero();
      assertThat(copy(kept, segment, segment.pages().pgno(0))).isNull();
    }
  }

  private static byte[] copy(FramePages kept, WalSegment segment, int pgno) {
    byte[] out = new byte[PAGE];
    long offset = segment.pages().frameOffsetOf(pgno).orElseThrow();
    return kept.copy(pgno, offset, out) ? out : null;
  }

  private static byte[] readPage(WalReader reader, WalSegment segment, int pgno) throws Exception {
    ByteBuffer page = ByteBuffer.allocate(PAGE);
    reader.readPage(pgno, segment.pages().frameOffsetOf(pgno).orElseThrow(), page);
    return page.array();
  }

  private Path write(byte[] bytes) throws Exception {
    return Files.write(Files.createTempFile(dir, "test", ".db-wal"), bytes);
  }
}
