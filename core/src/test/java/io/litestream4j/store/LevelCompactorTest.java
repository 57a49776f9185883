package io.litestream4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.ltx.LtxDecoder;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.RetryPolicy;
import io.litestream4j.replica.file.FileReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelCompactorTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  FileReplicaClient client;
  LocalLtxDir local;
  LevelCompactor compactor;
  FakeHistory history = new FakeHistory(7);

  @BeforeEach
  void setUp() {
    client = new FileReplicaClient(dir.resolve("replica"));
    local = new LocalLtxDir(dir.resolve("meta"));
    compactor =
        new LevelCompactor(client, local, "test.db", RetryPolicy.DEFAULT, new AtomicReference<>());
  }

  private void commit(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      history.commitTo(client, T0 + history.txid() * 1000);
    }
  }

  @Test
  void compactedFileSpansItsInputsKeepsNewestTimestampAndCarriesChecksums() throws Exception {
    commit(5);
    List<LtxFileInfo> first = compactor.compact(1);
    assertThat(first)
        .extracting(LtxFileInfo::name)
        .containsExactly("0000000000000001-0000000000000005.ltx");
    commit(4);
    List<LtxFileInfo> second = compactor.compact(1);
    assertThat(second)
        .extracting(LtxFileInfo::name)
        .containsExactly("0000000000000006-0000000000000009.ltx");
    assertThat(compactor.compact(1)).as("nothing new").isEmpty();

    LtxHeader h1 = header(first.getFirst());
    LtxHeader h2 = header(second.getFirst());
    LtxFileInfo lastInput = client.ltxFiles(0, 9).getFirst();
    assertThat(h2.timestamp())
        .as("newest input's timestamp")
        .isEqualTo(T0 + 8 * 1000)
        .isEqualTo(lastInput.createdAt().toEpochMilli());
    assertThat(second.getFirst().createdAt().toEpochMilli()).isEqualTo(h2.timestamp());
    assertThat(h1.hasChecksums()).isTrue();
    assertThat(h2.preApplyChecksum()).as("pre of the first input").isEqualTo(history.checksumAt(5));
    assertThat(trailer(first.getFirst()).postApplyChecksum()).isEqualTo(history.checksumAt(5));
    assertThat(trailer(second.getFirst()).postApplyChecksum())
        .as("post of the last input")
        .isEqualTo(history.checksumAt(9));
    assertThat(h1.walOffset()).isZero();

    // The two compacted files rebuild the database exactly as the nine L0 files do.
    assertThat(
            Replicas.restore(
                    client, List.of(first.getFirst(), second.getFirst()), dir.resolve("a.db"))
                .checksum())
        .isEqualTo(history.checksumAt(9));
    assertThat(Files.mismatch(dir.resolve("a.db"), restoreL0(9))).isEqualTo(-1);
  }

  @Test
  void higherLevelsCompactTheLevelBelowAndCutAtSnapshots() throws Exception {
    commit(3);
    compactor.compact(1); // L1 1-3
    commit(3);
    history.snapshotTo(client, T0 + 6_500); // L9 1-6
    commit(3);
    assertThat(compactor.compact(1))
        .extracting(LtxFileInfo::name)
        .containsExactly(
            "0000000000000004-0000000000000006.ltx", "0000000000000007-0000000000000009.ltx");
    assertThat(compactor.compact(2))
        .extracting(LtxFileInfo::name)
        .as("L2 from the L1 files, cut after the snapshot at TXID 6")
        .containsExactly(
            "0000000000000001-0000000000000006.ltx", "0000000000000007-0000000000000009.ltx");
    commit(2);
    compactor.compact(1);
    assertThat(compactor.compact(2))
        .extracting(LtxFileInfo::name)
        .containsExactly("000000000000000a-000000000000000b.ltx");

    LtxFileInfo snapshot = client.ltxFiles(9, 1).getFirst();
    List<LtxFileInfo> l2 = client.ltxFiles(2, 1);
    assertThat(
            Replicas.restore(client, List.of(snapshot, l2.get(1), l2.get(2)), dir.resolve("b.db"))
                .checksum())
        .isEqualTo(history.checksumAt(11));
  }

  @Test
  void readsLocalL0CopiesWhenPresentAndFallsBackToTheReplica() throws Exception {
    commit(4);
    // Local copies of every file; the replica's copy of TXID 3 is then truncated (damaged).
    for (long txid = 1; txid <= 4; txid++) {
      try (InputStream in = client.openLtxFile(0, txid, txid, 0, 0)) {
        Files.createDirectories(local.levelZeroDir());
        Files.write(local.path(txid), in.readAllBytes());
      }
    }
    truncate(client.ltxFilePath(0, 3, 3));
    assertThat(compactor.compact(1)).as("compacted from the local copies").hasSize(1);

    commit(3);
    for (long txid = 5; txid <= 7; txid++) {
      try (InputStream in = client.openLtxFile(0, txid, txid, 0, 0)) {
        Files.write(local.path(txid), in.readAllBytes());
      }
    }
    truncate(local.path(6));
    assertThat(compactor.compact(1))
        .as("a damaged local copy: redone from the replica")
        .extracting(LtxFileInfo::name)
        .containsExactly("0000000000000005-0000000000000007.ltx");
    assertThat(Replicas.restore(client, client.ltxFiles(1, 1), dir.resolve("c.db")).checksum())
        .isEqualTo(history.checksumAt(7));
  }

  @Test
  void anUploadAbortedByClosingTheStoreIsNotRetriedFromTheReplica() throws Exception {
    commit(4);
    for (long txid = 1; txid <= 4; txid++) {
      try (InputStream in = client.openLtxFile(0, txid, txid, 0, 0)) {
        Files.createDirectories(local.levelZeroDir());
        Files.write(local.path(txid), in.readAllBytes());
      }
    }
    GatedClient gated = new GatedClient(client, 1, 100);
    AtomicReference<StreamPipe.Reader> inFlight = new AtomicReference<>();
    LevelCompactor closing =
        new LevelCompactor(gated, local, "test.db", RetryPolicy.DEFAULT, inFlight);
    CompletableFuture<List<LtxFileInfo>> job =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return closing.compact(1);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    assertThat(gated.reached.await(30, TimeUnit.SECONDS)).as("upload in flight").isTrue();
    inFlight.get().abort(); // what Store.close() does with the job in flight
    gated.release.countDown();

    assertThatThrownBy(() -> job.get(30, TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(IOException.class)
        .cause()
        .cause()
        .isInstanceOf(StoreClosingException.class)
        .hasMessageContaining("compaction into L1 stopped: the store is closing");
    assertThat(client.ltxFiles(1, 1)).as("no second attempt from the replica").isEmpty();
  }

  @Test
  void stopsAtAGapInTheSourceLevel() throws Exception {
    commit(6);
    client.deleteLtxFiles(List.of(client.ltxFiles(0, 4).getFirst())); // TXID 4 missing
    assertThat(compactor.compact(1))
        .extracting(LtxFileInfo::name)
        .containsExactly("0000000000000001-0000000000000003.ltx");
  }

  private void truncate(Path file) throws IOException {
    FileTime mtime = Files.getLastModifiedTime(file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 20));
    Files.setLastModifiedTime(file, mtime);
  }

  private Path restoreL0(long txid) throws IOException {
    Path out = dir.resolve("l0-" + txid + ".db");
    Replicas.restore(
        client, client.ltxFiles(0, 1).stream().filter(f -> f.maxTxid() <= txid).toList(), out);
    return out;
  }

  private LtxHeader header(LtxFileInfo f) throws IOException {
    try (LtxDecoder dec =
        new LtxDecoder(client.openLtxFile(f.level(), f.minTxid(), f.maxTxid(), 0, 0))) {
      return dec.header();
    }
  }

  private LtxTrailer trailer(LtxFileInfo f) throws IOException {
    try (InputStream in =
        client.openLtxFile(f.level(), f.minTxid(), f.maxTxid(), f.size() - LtxTrailer.SIZE, 0)) {
      return LtxTrailer.decode(in.readAllBytes());
    }
  }
}
