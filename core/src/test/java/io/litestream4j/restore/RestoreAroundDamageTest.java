package io.litestream4j.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.ltx.Txid;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.RetryPolicy;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.restore.RestoreFixtures.History;
import io.litestream4j.testing.DbCompare;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged or hostile surroundings a restore must survive or report precisely: a corrupt snapshot
 * with an intact path around it, a symlink planted where the temporary output goes, forged headers,
 * timestamps after the newest backup.
 */
class RestoreAroundDamageTest {
  private static final RetryPolicy NO_WAIT = new RetryPolicy(3, Duration.ZERO, d -> {});

  @TempDir static Path shared;
  static History history;

  @TempDir Path dir;
  Path replica;
  Path outDir;

  @BeforeAll
  static void replicate() throws Exception {
    history = RestoreFixtures.replicate(shared, 8, 11);
  }

  @BeforeEach
  void copyReplica() throws IOException {
    replica = RestoreFixtures.copyReplica(history.replica(), dir.resolve("replica"));
    outDir = Files.createDirectory(dir.resolve("out"));
  }

  private FileReplicaClient client() {
    return new FileReplicaClient(replica);
  }

  private RestoreOptions options() {
    return RestoreOptions.of(outDir.resolve("db")).withRetryPolicy(NO_WAIT);
  }

  private long latest() {
    return history.states().lastKey();
  }

  /** A latest restore fails as CORRUPT_REPLICA with a message naming {@code fragments}. */
  private void assertRefusedAsCorrupt(String... fragments) throws IOException {
    assertThatThrownBy(() -> new Restorer(client()).restore(options()))
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.CORRUPT_REPLICA);
              assertThat(e.getMessage()).contains(fragments);
            });
    assertThat(RestoreFixtures.listing(outDir)).isEmpty();
  }

  private static void flipByteInTheMiddle(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x10;
    Files.write(file, b);
  }

  @Test
  void aCorruptSnapshotIsSkippedWhenAnIntactPathExists() throws Exception {
    long latest = latest();
    RestoreFixtures.compact(client(), 0, 1, latest - 2, LtxFileInfo.SNAPSHOT_LEVEL);
    LtxFileInfo newest =
        RestoreFixtures.compact(client(), 0, 1, latest, LtxFileInfo.SNAPSHOT_LEVEL);
    flipByteInTheMiddle(RestoreFixtures.ltxPath(replica, 9, 1, latest));

    RestoreResult r = new Restorer(client()).restore(options());

    assertThat(r.txid()).isEqualTo(latest);
    assertThat(r.plan().files()).doesNotContain(newest);
    DbCompare.assertSameContent(
        history.states().get(latest).dump(),
        DbCompare.dump(outDir.resolve("db")),
        "restored around the corrupt snapshot");
    DbCompare.assertIntegrity(outDir.resolve("db"));
  }

  /**
   * Damage at the newest end leaves an intact path only to an older TXID: a latest restore must
   * fail rather than quietly restore that older state (losing the newest transactions).
   */
  @Test
  void aLatestRestoreDoesNotFallBackToAnOlderStateAroundADamagedNewestFile() throws Exception {
    long latest = latest();
    flipByteInTheMiddle(RestoreFixtures.ltxPath(replica, 0, latest, latest));

    assertRefusedAsCorrupt(
        LtxFileName.format(latest, latest),
        "the latest state, TXID " + Txid.format(latest),
        "nothing was written");

    // Asked for explicitly, the older state is restored.
    RestoreResult older =
        new Restorer(client()).restore(options().withTarget(RestoreTarget.txid(latest - 1)));
    assertThat(older.txid()).isEqualTo(latest - 1);
    DbCompare.assertSameContent(
        history.states().get(latest - 1).dump(),
        DbCompare.dump(outDir.resolve("db")),
        "the TXID before the damaged file");
  }

  @Test
  void aCorruptFileWithoutAnyIntactPathNamesTheFileAndWhatToDo() throws Exception {
    flipByteInTheMiddle(RestoreFixtures.ltxPath(replica, 0, 1, 1));

    assertRefusedAsCorrupt(
        "L0/0000000000000001-0000000000000001.ltx",
        "failed verification",
        "restore an earlier point",
        "nothing was written");
  }

  @Test
  void aSymlinkAtTheTemporaryNameIsNeverFollowed() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Path out = outDir.resolve("db");
    Files.createSymbolicLink(outDir.resolve("db.tmp"), victim);

    new Restorer(client()).restore(RestoreOptions.of(out).withRetryPolicy(NO_WAIT));

    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.isSymbolicLink(out)).isFalse();
    assertThat(Files.isRegularFile(out)).isTrue();
    DbCompare.assertIntegrity(out);
  }

  @Test
  void aFailingRestoreNeverTouchesWhatASymlinkPointsTo() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Files.createSymbolicLink(outDir.resolve("db.tmp"), victim);
    Files.delete(RestoreFixtures.ltxPath(replica, 0, 3, 3));

    assertThatThrownBy(() -> new Restorer(client()).restore(options()))
        .isInstanceOf(RestoreException.class);

    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(RestoreFixtures.listing(outDir)).containsExactly("db.tmp");
  }

  @Test
  void aForgedCommitCountIsAClearLtxError() throws Exception {
    // A forged newest file with valid checksums: same pages, database size claimed as 2^31-1 pages.
    long txid = latest();
    Path file = RestoreFixtures.ltxPath(replica, 0, txid, txid);
    java.io.ByteArrayOutputStream forged = new java.io.ByteArrayOutputStream();
    try (var dec = new io.litestream4j.ltx.LtxDecoder(Files.newInputStream(file))) {
      io.litestream4j.ltx.LtxHeader h = dec.header();
      io.litestream4j.ltx.LtxHeader f =
          new io.litestream4j.ltx.LtxHeader(
              h.flags(),
              h.pageSize(),
              Integer.MAX_VALUE,
              h.minTxid(),
              h.maxTxid(),
              h.timestamp(),
              h.preApplyChecksum(),
              h.walOffset(),
              h.walSize(),
              h.walSalt1(),
              h.walSalt2(),
              h.nodeId());
      try (var enc = new io.litestream4j.ltx.LtxEncoder(forged, f)) {
        byte[] page = new byte[h.pageSize()];
        for (int pgno = dec.nextPage(page); pgno != 0; pgno = dec.nextPage(page)) {
          enc.writePage(pgno, page);
        }
        enc.finish(dec.finish().postApplyChecksum());
      }
    }
    Files.write(file, forged.toByteArray());

    assertThatThrownBy(() -> new Restorer(client()).restore(options()))
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.CORRUPT_REPLICA);
              assertThat(e.getMessage())
                  .contains("L0/" + io.litestream4j.ltx.LtxFileName.format(txid, txid))
                  .doesNotContain("out of bounds");
            });
  }

  @Test
  void aMisnamedFileIsNamedByItsRealName() throws Exception {
    // L0/3 replaced by a copy of L0/5: its header says 5-5, its name says 3-3.
    Files.copy(
        RestoreFixtures.ltxPath(replica, 0, 5, 5),
        RestoreFixtures.ltxPath(replica, 0, 3, 3),
        StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> new Restorer(client()).restore(options()))
        .isInstanceOfSatisfying(
            RestoreException.class,
            e -> assertThat(e.getMessage()).contains("L0/0000000000000003-0000000000000003.ltx"));
  }

  @Test
  void aTimestampAfterTheNewestFileRestoresTheLatestState() throws Exception {
    RestoreResult r =
        new Restorer(client())
            .restore(
                options().withTarget(RestoreTarget.timestamp(Instant.now().plusSeconds(3600))));

    assertThat(r.txid()).isEqualTo(latest());
    DbCompare.assertSameContent(
        history.states().get(latest()).dump(),
        DbCompare.dump(outDir.resolve("db")),
        "restored with a timestamp after the newest file");
  }
}
