package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database past 1 GiB has a lock page: snapshots skip it, checksums leave it out, restores leave
 * it as zeros. Uses 64 KiB pages so the lock page is page 16385; pages are mostly zeros to keep the
 * 1 GiB of page data cheap to compress.
 */
class LockPageTest {
  private static final int PS = 65536;
  private static final int LOCK = LockPage.pgno(PS);
  private static final int COMMIT = LOCK + 2;

  @TempDir Path dir;

  private static byte[] page(int pgno) {
    byte[] b = new byte[PS];
    ByteBuffer.wrap(b).putInt(pgno).putInt(pgno * 31);
    if (pgno == 1) {
      b[16] = 0;
      b[17] = 1; // SQLite header: 1 means 65536
    }
    return b;
  }

  @Test
  void snapshotsAcrossTheLockPageRoundTripAndRestore() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long checksum = fullChecksum();
    try (LtxEncoder enc = new LtxEncoder(out, LtxHeader.snapshot(PS, COMMIT, 1, 0))) {
      for (int pgno = 1; pgno <= COMMIT; pgno++) {
        if (pgno != LOCK) {
          enc.writePage(pgno, page(pgno));
        }
      }
      enc.finish(checksum);
    }
    byte[] file = out.toByteArray();

    try (LtxDecoder dec = new LtxDecoder(new ByteArrayInputStream(file))) {
      byte[] buf = new byte[PS];
      int expected = 1;
      for (int pgno = dec.nextPage(buf); pgno != 0; pgno = dec.nextPage(buf)) {
        assertThat(pgno).isEqualTo(expected);
        expected = pgno + 1 == LOCK ? pgno + 2 : pgno + 1;
      }
      assertThat(dec.finish().postApplyChecksum()).isEqualTo(checksum);
    }

    Path db = dir.resolve("big.db");
    try (FileChannel ch =
        FileChannel.open(
            db, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      LtxApplier a = LtxApplier.restore(List.of(new ByteArrayInputStream(file)), ch);
      assertThat(a.commit()).isEqualTo(COMMIT);
      assertThat(ch.size()).isEqualTo((long) COMMIT * PS);
      ByteBuffer lock = ByteBuffer.allocate(PS);
      ch.read(lock, (long) (LOCK - 1) * PS);
      assertThat(lock.array()).containsOnly(0);
    }
    assertThat(DatabaseChecksum.of(db)).isEqualTo(checksum);
  }

  private static long fullChecksum() {
    long xor = 0;
    for (int pgno = 1; pgno <= COMMIT; pgno++) {
      if (pgno != LOCK) {
        xor ^= Checksums.page(pgno, page(pgno));
      }
    }
    return Checksums.FLAG | xor;
  }

  @Test
  void decoderRejectsALockPageFrame() {
    LtxHeader h = LtxHeader.incremental(PS, COMMIT, 2, 2, 0, Checksums.FLAG);
    byte[] file = new RawLtx(h).page(LOCK, new byte[PS]).finish(Checksums.FLAG);
    assertThatThrownBy(() -> TestFiles.decode(file))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining("page " + LOCK + " is the lock page");
  }
}
