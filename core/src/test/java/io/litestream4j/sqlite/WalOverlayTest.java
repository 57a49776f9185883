package io.litestream4j.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-page database file and a WAL whose two frames hold newer versions of pages 2 and 4 (the
 * database grew to four pages in the WAL). Every page is filled with one byte that says where it
 * came from.
 */
class WalOverlayTest {
  private static final int PAGE = 512;
  private static final int SALT1 = 0x11223344;
  private static final int SALT2 = 0x55667788;
  private static final long FRAME_2 = WalHeader.SIZE;
  private static final long FRAME_4 = WalHeader.SIZE + WalOverlay.FRAME_HEADER_SIZE + PAGE;

  @TempDir Path dir;

  private FileChannel db;
  private FileChannel wal;

  @AfterEach
  void closeChannels() throws IOException {
    db.close();
    wal.close();
  }

  private WalOverlay open() throws IOException {
    Path dbPath = dir.resolve("db");
    Files.write(dbPath, concat(page(1), page(2), page(3)));
    Path walPath = dir.resolve("db-wal");
    Files.write(
        walPath,
        concat(new byte[WalHeader.SIZE], frame(2), page(0x20 + 2), frame(4), page(0x20 + 4)));
    db = FileChannel.open(dbPath, StandardOpenOption.READ);
    wal = FileChannel.open(walPath, StandardOpenOption.READ);
    return new WalOverlay(
        db, wal, PageIndex.of(new int[] {2, 4}, new long[] {FRAME_2, FRAME_4}), PAGE);
  }

  @Test
  void indexedPagesComeFromTheirFramesAndTheOthersFromTheFile() throws Exception {
    WalOverlay overlay = open();
    byte[] buf = new byte[PAGE];
    for (int pgno = 1; pgno <= 4; pgno++) {
      overlay.readPage(pgno, buf);
      int expected = pgno == 2 || pgno == 4 ? 0x20 + pgno : pgno;
      assertThat(buf).as("page %d", pgno).isEqualTo(page(expected));
    }
    assertThat(overlay.frameOffset(4)).hasValue(FRAME_4);
    assertThat(overlay.frameOffset(3)).isEmpty();
  }

  @Test
  void aPageBeyondTheFileReadsAsZerosAndSaysSo() throws Exception {
    WalOverlay overlay = open();
    byte[] buf = page(9);
    assertThat(overlay.readFilePage(4, buf)).isFalse();
    assertThat(buf).isEqualTo(new byte[PAGE]);
    assertThat(overlay.readFilePage(3, buf)).isTrue();
    assertThat(buf).isEqualTo(page(3));
  }

  @Test
  void aFrameHoldsItsPageOnlyForItsPageNumberAndGeneration() throws Exception {
    WalOverlay overlay = open();
    assertThat(overlay.frameHolds(FRAME_2, 2, SALT1, SALT2)).isTrue();
    assertThat(overlay.frameHolds(FRAME_2, 3, SALT1, SALT2)).as("other page").isFalse();
    assertThat(overlay.frameHolds(FRAME_2, 2, SALT1 + 1, SALT2)).as("other generation").isFalse();
    assertThat(overlay.frameHolds(FRAME_4 + WalOverlay.FRAME_HEADER_SIZE + PAGE, 5, SALT1, SALT2))
        .as("past the end of the WAL")
        .isFalse();
    assertThat(WalOverlay.fileOnly(db, PAGE).frameHolds(FRAME_2, 2, SALT1, SALT2))
        .as("no WAL")
        .isFalse();
  }

  @Test
  void theBorrowedChannelsStayOpen() throws Exception {
    WalOverlay overlay = open();
    overlay.readPage(2, new byte[PAGE]);
    overlay.readPage(3, new byte[PAGE]);
    assertThat(db.isOpen()).isTrue();
    assertThat(wal.isOpen()).isTrue();
  }

  @Test
  void indexedWalPagesNeedAWal() throws Exception {
    open();
    assertThatThrownBy(
            () -> new WalOverlay(db, null, PageIndex.of(new int[] {1}, new long[] {FRAME_2}), PAGE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(WalOverlay.fileOnly(db, PAGE).walPages().isEmpty()).isTrue();
  }

  private static byte[] page(int fill) {
    byte[] p = new byte[PAGE];
    Arrays.fill(p, (byte) fill);
    return p;
  }

  private static byte[] frame(int pgno) {
    return ByteBuffer.allocate(WalOverlay.FRAME_HEADER_SIZE)
        .putInt(pgno)
        .putInt(0)
        .putInt(SALT1)
        .putInt(SALT2)
        .array();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }
}
