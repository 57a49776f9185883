package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseChecksumTest {
  @TempDir Path dir;

  private static long fullRecompute(int pageSize, TreeMap<Integer, byte[]> db) {
    long xor = 0;
    for (var e : db.entrySet()) {
      if (e.getKey() != LockPage.pgno(pageSize)) {
        xor ^= Checksums.page(e.getKey(), e.getValue());
      }
    }
    return Checksums.FLAG | xor;
  }

  @Property(tries = 100)
  void incrementalEqualsFullRecompute(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int steps) {
    Random rnd = new Random(seed);
    int pageSize = 512;
    DatabaseChecksum c = new DatabaseChecksum(pageSize);
    TreeMap<Integer, byte[]> db = new TreeMap<>();
    for (int i = 0; i < steps; i++) {
      if (rnd.nextInt(8) == 0) {
        int commit = rnd.nextInt(db.size() + 1);
        db.tailMap(commit, false).clear();
        c.truncate(commit);
      } else {
        int pgno = 1 + rnd.nextInt(db.size() + 1);
        byte[] page = TestFiles.page(rnd, pageSize);
        db.put(pgno, page);
        c.setPage(pgno, page);
      }
      assertThat(c.value()).isEqualTo(fullRecompute(pageSize, db));
      assertThat(c.pageCount()).isEqualTo(db.size());
      assertThat(c.isComplete()).isTrue();
    }
  }

  @Test
  void emptyDatabaseIsTheFlag() {
    assertThat(new DatabaseChecksum(4096).value())
        .isEqualTo(Checksums.EMPTY_DATABASE)
        .isEqualTo(0x8000000000000000L);
  }

  @Test
  void growingWithoutPagesIsIncomplete() {
    DatabaseChecksum c = new DatabaseChecksum(512);
    c.setPage(1, new byte[512]);
    c.truncate(3);
    assertThat(c.isComplete()).isFalse();
    c.setPage(2, new byte[512]);
    c.setPage(3, new byte[512]);
    assertThat(c.isComplete()).isTrue();
    DatabaseChecksum copy = c.copy();
    byte[] changed = new byte[512];
    changed[0] = 1;
    c.setPage(3, changed);
    assertThat(copy.value()).isNotEqualTo(c.value());
  }

  @Test
  void rejectsTheLockPage() {
    DatabaseChecksum c = new DatabaseChecksum(4096);
    assertThatThrownBy(() -> c.setPage(LockPage.pgno(4096), new byte[4096]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lock page");
  }

  @Test
  void fileChecksumMatchesIncremental() throws IOException {
    Path db = dir.resolve("small.db");
    Random rnd = new Random(11);
    DatabaseChecksum c = new DatabaseChecksum(1024);
    try (FileChannel ch =
        FileChannel.open(
            db, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
      for (int pgno = 1; pgno <= 40; pgno++) {
        byte[] page = TestFiles.page(rnd, 1024);
        if (pgno == 1) {
          page[16] = 4; // page size 1024 in the SQLite header
          page[17] = 0;
        }
        ch.write(ByteBuffer.wrap(page), (long) (pgno - 1) * 1024);
        c.setPage(pgno, page);
      }
      assertThat(DatabaseChecksum.of(ch, 1024, 40)).isEqualTo(c.value());
      DatabaseChecksum read = DatabaseChecksum.read(ch, 1024, 40);
      assertThat(read.value()).isEqualTo(c.value());
      assertThat(read.pageChecksum(7)).isEqualTo(c.pageChecksum(7));
      assertThat(DatabaseChecksum.of(ch, 1024, 39)).isNotEqualTo(c.value());
    }
    assertThat(DatabaseChecksum.of(db)).isEqualTo(c.value());
  }

  @Test
  void shortFilesAreReported() throws IOException {
    Path db = dir.resolve("short.db");
    Files.write(db, new byte[1024]);
    try (FileChannel ch = FileChannel.open(db)) {
      assertThatThrownBy(() -> DatabaseChecksum.of(ch, 512, 3))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("shorter than 3 pages");
    }
    Files.write(db, new byte[0]);
    assertThat(DatabaseChecksum.of(db)).isEqualTo(Checksums.EMPTY_DATABASE);
  }
}
