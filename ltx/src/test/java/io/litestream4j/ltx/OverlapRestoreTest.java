package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore plan may continue a snapshot with a file compacted at another level that reaches back
 * before the snapshot's end (the finer files at the seam having been deleted by retention). The
 * result must be exactly the database at the last file's TXID; strict restores still refuse it.
 */
class OverlapRestoreTest {
  private static final int PAGE_SIZE = 512;

  @TempDir Path dir;

  /** Eight transactions that change, grow and shrink a small database; file i holds TXID i. */
  private record History(List<Map<Integer, byte[]>> states, List<byte[]> files) {
    static History generate(long seed) throws IOException {
      Random rnd = new Random(seed);
      List<Map<Integer, byte[]>> states = new ArrayList<>();
      List<byte[]> files = new ArrayList<>();
      states.add(Map.of());
      files.add(null);
      int[] commits = {0, 5, 7, 7, 4, 6, 6, 9, 8};
      for (int txid = 1; txid < commits.length; txid++) {
        TreeMap<Integer, byte[]> state = new TreeMap<>(states.get(txid - 1));
        int commit = commits[txid];
        state.keySet().removeIf(p -> p > commit);
        Map<Integer, byte[]> changed = new TreeMap<>();
        for (int p = 1; p <= commit; p++) {
          if (txid == 1 || !state.containsKey(p) || rnd.nextInt(3) == 0) {
            changed.put(p, TestFiles.page(rnd, PAGE_SIZE));
          }
        }
        state.putAll(changed);
        long pre = TestFiles.checksum(PAGE_SIZE, states.get(txid - 1));
        LtxHeader h =
            txid == 1
                ? LtxHeader.snapshot(PAGE_SIZE, commit, 1, 1000L * txid)
                : LtxHeader.incremental(PAGE_SIZE, commit, txid, txid, 1000L * txid, pre);
        files.add(TestFiles.encode(h, changed, TestFiles.checksum(PAGE_SIZE, state)));
        states.add(state);
      }
      return new History(states, files);
    }

    byte[] compact(int min, int max) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LtxCompactor.compact(TestFiles.streams(files.subList(min, max + 1)), out);
      return out.toByteArray();
    }
  }

  @Test
  void snapshotThenOverlappingCompactionRestoresTheLatestState() throws IOException {
    History h = History.generate(7);
    List<byte[]> plan = List.of(h.compact(1, 4), h.compact(3, 6), h.compact(5, 8));
    Path db = dir.resolve("db");
    try (FileChannel ch = open(db)) {
      LtxApplier a = LtxApplier.restoreAcrossOverlaps(TestFiles.streams(plan), ch);
      assertThat(a.txid()).isEqualTo(8);
      assertThat(a.checksum()).isEqualTo(TestFiles.checksum(PAGE_SIZE, h.states().get(8)));
    }
    assertThat(Files.readAllBytes(db)).isEqualTo(image(h.states().get(8)));
  }

  @Test
  void aPlanAppliedInBatchesMayOverlapAtABatchBoundary() throws IOException {
    History h = History.generate(13);
    Path db = dir.resolve("db");
    try (FileChannel ch = open(db)) {
      LtxApplier a =
          LtxApplier.restore(TestFiles.streams(List.of(h.compact(1, 3), h.compact(4, 4))), ch);
      a.applyMergedAcrossOverlaps(TestFiles.streams(List.of(h.compact(2, 6), h.compact(7, 8))));
      assertThat(a.txid()).isEqualTo(8);
    }
    assertThat(Files.readAllBytes(db)).isEqualTo(image(h.states().get(8)));
    try (FileChannel ch = open(dir.resolve("strict"))) {
      LtxApplier strict = LtxApplier.restore(TestFiles.streams(List.of(h.compact(1, 4))), ch);
      assertThatThrownBy(() -> strict.applyMerged(TestFiles.streams(List.of(h.compact(3, 8)))))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("does not continue the database");
    }
  }

  @Test
  void exactlyContinuingFilesStillHaveTheirChecksumChainChecked() throws IOException {
    History h = History.generate(8);
    History other = History.generate(9);
    List<byte[]> plan = List.of(h.compact(1, 4), other.compact(5, 8));
    try (FileChannel ch = open(dir.resolve("db"))) {
      assertThatThrownBy(() -> LtxApplier.restoreAcrossOverlaps(TestFiles.streams(plan), ch))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("pre-apply checksum");
    }
  }

  @Test
  void aForeignFileAcrossAnOverlapIsCaughtByTheFinalChecksum() throws IOException {
    History h = History.generate(10);
    History other = History.generate(11);
    List<byte[]> plan = List.of(h.compact(1, 4), other.compact(3, 8));
    try (FileChannel ch = open(dir.resolve("db"))) {
      assertThatThrownBy(() -> LtxApplier.restoreAcrossOverlaps(TestFiles.streams(plan), ch))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("post-apply checksum");
    }
  }

  @Test
  void strictRestoreRefusesOverlapAndOverlapMustReachFurther() throws IOException {
    History h = History.generate(12);
    try (FileChannel ch = open(dir.resolve("a"))) {
      List<InputStream> overlapping = TestFiles.streams(List.of(h.compact(1, 4), h.compact(3, 6)));
      assertThatThrownBy(() -> LtxApplier.restore(overlapping, ch))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("the files overlap");
    }
    try (FileChannel ch = open(dir.resolve("b"))) {
      List<InputStream> covered = TestFiles.streams(List.of(h.compact(1, 6), h.compact(3, 6)));
      assertThatThrownBy(() -> LtxApplier.restoreAcrossOverlaps(covered, ch))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("the files overlap");
    }
  }

  private static FileChannel open(Path p) throws IOException {
    return FileChannel.open(
        p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private static byte[] image(Map<Integer, byte[]> state) {
    ByteBuffer b = ByteBuffer.allocate(state.size() * PAGE_SIZE);
    state.forEach((pgno, page) -> b.put((pgno - 1) * PAGE_SIZE, page));
    return b.array();
  }
}
