package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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
