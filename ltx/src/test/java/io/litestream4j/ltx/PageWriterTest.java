package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore's page writer: every page lands where it belongs, in both modes, and failures
 * surface.
 */
class PageWriterTest {
  private static final int PAGE = 4096;
  @TempDir Path dir;

  @Test
  void overlappedAndDirectWritesPutEveryPageInPlace() throws Exception {
    for (boolean overlapped : new boolean[] {true, false}) {
      Path f = dir.resolve("db-" + overlapped);
      // 3000 pages (several buffers) with a gap, as around a lock page, then a single page.
      int[] pages = new int[2999];
      int n = 0;
      for (int pgno = 1; pgno <= 3000; pgno++) {
        if (pgno != 1500) {
          pages[n++] = pgno;
        }
      }
      try (FileChannel ch =
              FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          PageWriter w = new PageWriter(ch, PAGE, overlapped)) {
        for (int pgno : pages) {
          w.write(pgno, page(pgno));
        }
        w.write(3002, page(3002));
        w.flush();
        assertThat(ch.size()).isEqualTo(3002L * PAGE);
      }
      byte[] all = Files.readAllBytes(f);
      for (int pgno : pages) {
        assertThat(Arrays.copyOfRange(all, (pgno - 1) * PAGE, pgno * PAGE))
            .as("page %d", pgno)
            .isEqualTo(page(pgno));
      }
      assertThat(Arrays.copyOfRange(all, 1499 * PAGE, 1500 * PAGE)).isEqualTo(new byte[PAGE]);
      assertThat(Arrays.copyOfRange(all, 3001 * PAGE, 3002 * PAGE)).isEqualTo(page(3002));
    }
  }

  @Test
  void withItsPathTheOverlappedWriterWritesAroundThePageCacheWhereTheFileSystemAllows()
      throws Exception {
    String fs = Files.getFileStore(dir).type();
    assumeTrue(
        Set.of("ext4", "xfs", "btrfs").contains(fs), "O_DIRECT file system expected, got " + fs);
    Path f = dir.resolve("direct.db");
    try (FileChannel ch =
            FileChannel.open(
                f,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        PageWriter w = new PageWriter(ch, PAGE, true, f)) {
      assertThat(w.writesDirectly()).isTrue();
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0); // cached bytes the direct write replaces
      for (int pgno = 1; pgno <= 1000; pgno++) {
        if (pgno != 700) {
          w.write(pgno, page(pgno));
        }
      }
      w.flush();
      assertThat(w.writesDirectly()).as("no direct write failed").isTrue();
      assertThat(ch.size()).isEqualTo(1000L * PAGE);
      ByteBuffer read = ByteBuffer.allocate(PAGE);
      for (int pgno = 1; pgno <= 1000; pgno++) {
        read.clear();
        ch.read(read, (long) (pgno - 1) * PAGE);
        assertThat(read.array())
            .as("page %d read back through the buffered channel", pgno)
            .isEqualTo(pgno == 700 ? new byte[PAGE] : page(pgno));
      }
    }
  }

  @Test
  void pagesSmallerThanTheBlockAndTheCallersOwnWritesGoThroughTheCache() throws Exception {
    Path f = dir.resolve("small-pages.db");
    try (FileChannel ch =
            FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        PageWriter w = new PageWriter(ch, 512, true, f)) {
      assertThat(w.writesDirectly()).isFalse();
    }
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE);
        PageWriter w = new PageWriter(ch, PAGE, false, f)) {
      assertThat(w.writesDirectly()).as("not overlapped: always through the cache").isFalse();
    }
  }

  @Test
  @Timeout(30)
  void aFailedWriteIsThrownToTheCallerAndCloseDoesNotHang() throws Exception {
    Path f = dir.resolve("ro");
    Files.write(f, new byte[0]);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      PageWriter w = new PageWriter(ch, PAGE, true);
      assertThatThrownBy(
              () -> {
                for (int pgno = 1; pgno <= 2000; pgno++) {
                  w.write(pgno, page(pgno));
                }
                w.flush();
              })
          .isInstanceOf(NonWritableChannelException.class);
      w.close();
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(t -> t.getName().equals(PageWriter.THREAD_NAME) && t.isAlive());
    }
    assertThat(ByteBuffer.wrap(Files.readAllBytes(f)).remaining()).isZero();
  }

  private static byte[] page(int pgno) {
    byte[] p = new byte[PAGE];
    Arrays.fill(p, (byte) pgno);
    p[0] = (byte) (pgno >>> 8);
    return p;
  }
}
