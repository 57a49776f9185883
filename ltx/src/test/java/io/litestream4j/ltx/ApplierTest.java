package io.litestream4j.ltx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierTest {
  @TempDir Path dir;

  private FileChannel open(String name) throws IOException {
    return FileChannel.open(
        dir.resolve(name),
        StandardOpenOption.CREATE,
        StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  @Test
  void appliesAHistoryAndTracksPosition() throws IOException {
    History h = History.generate(new Random(3), 1024, 6, false);
    try (FileChannel ch = open("db")) {
      LtxApplier a = LtxApplier.create(ch);
      a.applyAll(TestFiles.streams(h.files));
      assertThat(a.txid()).isEqualTo(h.headers.getLast().maxTxid());
      assertThat(a.timestamp()).isEqualTo(h.headers.getLast().timestamp());
      assertThat(a.commit()).isEqualTo(h.states.getLast().size());
      assertThat(a.pageSize()).isEqualTo(1024);
      assertThat(Files.readAllBytes(dir.resolve("db")))
          .isEqualTo(History.image(h.states.getLast(), 1024));
    }
  }

  @Test
  void restoreThenFollowMoreFiles() throws IOException {
    History h = History.generate(new Random(4), 512, 7, true);
    try (FileChannel ch = open("db")) {
      LtxApplier a = LtxApplier.restore(TestFiles.streams(h.files.subList(0, 4)), ch);
      assertThat(a.txid()).isEqualTo(h.headers.get(3).maxTxid());
      a.applyAll(TestFiles.streams(h.files.subList(4, 7)));
      assertThat(Files.readAllBytes(dir.resolve("db")))
          .isEqualTo(History.image(h.states.getLast(), 512));
    }
  }

  @Test
  void resumesFromAnExistingDatabase() throws IOException {
    History h = History.generate(new Random(5), 1024, 5, false);
    try (FileChannel ch = open("db")) {
      LtxApplier.create(ch).applyAll(TestFiles.streams(h.files.subList(0, 2)));
      DatabaseChecksum state = DatabaseChecksum.read(ch, 1024, h.states.get(1).size());
      LtxApplier a = LtxApplier.resume(ch, h.headers.get(1).maxTxid(), state);
      a.applyMerged(TestFiles.streams(h.files.subList(2, 5)));
      assertThat(Files.readAllBytes(dir.resolve("db")))
          .isEqualTo(History.image(h.states.getLast(), 1024));
      assertThat(a.checksumState().value()).isEqualTo(TestFiles.checksum(1024, h.states.getLast()));
    }
  }

  @Test
  void firstFileMustBeASnapshot() throws IOException {
    History h = History.generate(new Random(6), 1024, 3, false);
    try (FileChannel ch = open("db")) {
      assertThatThrownBy(
              () -> LtxApplier.create(ch).apply(new ByteArrayInputStream(h.files.get(1))))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("must be a snapshot");
    }
  }

  @Test
  void gapsAreReportedWithTheFileName() throws IOException {
    History h = History.generate(new Random(7), 1024, 4, false);
    try (FileChannel ch = open("db")) {
      LtxApplier a = LtxApplier.create(ch);
      a.apply(new ByteArrayInputStream(h.files.get(0)));
      assertThatThrownBy(() -> a.apply(new ByteArrayInputStream(h.files.get(2))))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining(h.headers.get(2).fileName().name())
          .hasMessageContaining("expected min TXID " + Txid.format(h.headers.get(0).maxTxid() + 1));
      // a file rejected before writing leaves the applier usable
      a.apply(new ByteArrayInputStream(h.files.get(1)));
      assertThat(a.txid()).isEqualTo(h.headers.get(1).maxTxid());
    }
    try (FileChannel ch = open("db2")) {
      assertThatThrownBy(
              () ->
                  LtxApplier.restore(
                      TestFiles.streams(List.of(h.files.get(0), h.files.get(2))), ch))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("does not continue");
    }
  }

  @Test
  void checksumContinuityIsProvenAgainstTheRealDatabase() throws IOException {
    // File 2 claims to follow a database state that differs from the one file 1 produced.
    Map<Integer, byte[]> s = Map.of(1, CompactionTest.filled(512, 1));
    byte[] snap = TestFiles.encode(LtxHeader.snapshot(512, 1, 1, 0), s, TestFiles.checksum(512, s));
    byte[] wrong =
        TestFiles.encode(
            LtxHeader.incremental(512, 1, 2, 2, 0, Checksums.FLAG | 42),
            Map.of(1, CompactionTest.filled(512, 2)),
            Checksums.page(1, CompactionTest.filled(512, 2)));
    try (FileChannel ch = open("db")) {
      LtxApplier a = LtxApplier.create(ch);
      a.apply(new ByteArrayInputStream(snap));
      assertThatThrownBy(() -> a.apply(new ByteArrayInputStream(wrong)))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("0000000000000002-0000000000000002.ltx")
          .hasMessageContaining("pre-apply checksum is 800000000000002a");
    }
    // A file whose post-apply checksum lies about the result.
    byte[] lying =
        TestFiles.encode(
            LtxHeader.incremental(512, 1, 2, 2, 0, TestFiles.checksum(512, s)),
            Map.of(1, CompactionTest.filled(512, 2)),
            Checksums.FLAG | 7);
    try (FileChannel ch = open("db2")) {
      LtxApplier a = LtxApplier.create(ch);
      a.apply(new ByteArrayInputStream(snap));
      assertThatThrownBy(() -> a.apply(new ByteArrayInputStream(lying)))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("post-apply checksum says 8000000000000007");
      assertThatThrownBy(() -> a.apply(new ByteArrayInputStream(lying)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("unusable");
    }
    try (FileChannel ch = open("db3")) {
      assertThatThrownBy(() -> LtxApplier.restore(TestFiles.streams(List.of(snap, lying)), ch))
          .isInstanceOf(LtxException.class)
          .hasMessageContaining("post-apply checksum says 8000000000000007");
    }
  }

  @Test
  void truncatesToCommit() throws IOException {
    Map<Integer, byte[]> s =
        Map.of(
            1,
            CompactionTest.filled(512, 1),
            2,
            CompactionTest.filled(512, 2),
            3,
            CompactionTest.filled(512, 3));
    byte[] snap = TestFiles.encode(LtxHeader.snapshot(512, 3, 1, 0), s, TestFiles.checksum(512, s));
    Map<Integer, byte[]> after = Map.of(1, CompactionTest.filled(512, 1));
    byte[] shrink =
        TestFiles.encode(
            LtxHeader.incremental(512, 1, 2, 2, 0, TestFiles.checksum(512, s)),
            Map.of(),
            TestFiles.checksum(512, after));
    try (FileChannel ch = open("db")) {
      LtxApplier.create(ch).applyAll(TestFiles.streams(List.of(snap, shrink)));
      assertThat(ch.size()).isEqualTo(512);
    }
  }
}
