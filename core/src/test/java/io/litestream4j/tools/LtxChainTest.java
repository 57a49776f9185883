package io.litestream4j.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxException;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying chains of LTX files made from three successive states of a real database: the chain
 * gives the last state, and every way a chain can break (gap, overlap, missing snapshot, page size,
 * checksum, corruption) is refused naming the file, leaving no temp file and the output untouched.
 */
class LtxChainTest {
  @TempDir Path dir;

  private final SqliteCli sqlite = SqliteCli.create();
  private Path v1;
  private Path v2;
  private Path v3;
  private Path snapshot;
  private Path second;
  private Path third;

  @BeforeEach
  void threeStates() throws Exception {
    v1 = dir.resolve("v1.db");
    sqlite.run(
        v1,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
            + "INSERT INTO t(v) SELECT hex(randomblob(200)) FROM generate_series(1, 300);");
    v2 =
        copyAndRun(
            v1,
            "v2.db",
            "UPDATE t SET v = 'changed' WHERE id % 10 = 0; CREATE TABLE u(x);"
                + "INSERT INTO u SELECT randomblob(3000) FROM generate_series(1, 30);");
    v3 = copyAndRun(v2, "v3.db", "DROP TABLE u; DELETE FROM t WHERE id > 200; VACUUM;");
    snapshot = dir.resolve("0000000000000001-0000000000000001.ltx");
    DatabaseSnapshots.write(v1, snapshot, false, 1_000);
    second = dir.resolve("0000000000000002-0000000000000002.ltx");
    LtxDiff.write(v1, v2, 2, second, true);
    third = dir.resolve("0000000000000003-0000000000000003.ltx");
    LtxDiff.write(v2, v3, 3, third, true);
  }

  @Test
  void chainGivesTheLastState() throws Exception {
    Path out = dir.resolve("out.db");
    LtxChain.Result r = LtxChain.apply(List.of(snapshot, second, third), out);

    assertThat(r.files()).isEqualTo(3);
    assertThat(r.txid()).isEqualTo(3);
    assertThat(r.checksum()).isEqualTo(DatabaseChecksum.of(v3)).isEqualTo(DatabaseChecksum.of(out));
    assertThat(r.commit()).isLessThan((int) (Files.size(v2) / 4096)); // the vacuum shrank it
    DbCompare.assertSameContent(v3, out);
    DbCompare.assertIntegrity(out);
    assertThat(dir.resolve("out.db.tmp")).doesNotExist();
  }

  @Test
  void filesWithoutChecksumsApplyToo() throws Exception {
    Path plain2 = dir.resolve("p2.ltx");
    Path plain3 = dir.resolve("p3.ltx");
    LtxDiff.write(v1, v2, 2, plain2, false);
    LtxDiff.write(v2, v3, 3, plain3, false);
    Path out = dir.resolve("out.db");
    LtxChain.apply(List.of(snapshot, plain2, plain3), out);
    DbCompare.assertSameContent(v3, out);
    assertThat(DatabaseChecksum.of(out)).isEqualTo(DatabaseChecksum.of(v3));
  }

  @Test
  void gapIsRefusedNamingTheFile() throws Exception {
    assertRefused(
        List.of(snapshot, third),
        third + " (TXIDs 0000000000000003..0000000000000003) does not continue " + snapshot,
        "a gap: TXIDs 0000000000000002..0000000000000002 are missing");
  }

  @Test
  void overlapAndMisplacedSnapshotAreRefused() throws Exception {
    assertRefused(List.of(snapshot, second, second), second + " (TXIDs", "an overlap");
    assertRefused(List.of(snapshot, snapshot), "an overlap");
    assertRefused(
        List.of(second, third),
        second + " starts at TXID 0000000000000002: the first file must be a snapshot");
  }

  @Test
  void pageSizeChangeIsRefused() throws Exception {
    Path small = dir.resolve("small.db");
    sqlite.run(small, "PRAGMA page_size=1024; CREATE TABLE t(v);");
    Path smallNext = copyAndRun(small, "small2.db", "INSERT INTO t VALUES (1);");
    Path odd = dir.resolve("odd.ltx");
    LtxDiff.write(small, smallNext, 2, odd, false);
    assertRefused(
        List.of(snapshot, odd), "its pages are 1024 bytes, the database's are 4096 bytes");
  }

  @Test
  void checksumBreakIsRefusedNamingTheFile() throws Exception {
    // a file written against another base: TXIDs chain, the pre-apply checksum does not
    Path other = copyAndRun(v1, "other.db", "INSERT INTO t(v) VALUES ('elsewhere');");
    Path forked = dir.resolve("forked.ltx");
    LtxDiff.write(other, v2, 2, forked, true);
    assertRefused(
        List.of(snapshot, forked),
        forked + ": file 0000000000000002-0000000000000002.ltx does not continue",
        "pre-apply checksum");
  }

  @Test
  void corruptFileIsRefusedAndTheOldOutputStays() throws Exception {
    Path out = Files.writeString(dir.resolve("out.db"), "previous content");
    byte[] b = Files.readAllBytes(third);
    b[b.length / 2] ^= 0x40;
    Path corrupt = Files.write(dir.resolve("corrupt.ltx"), b);

    assertThatThrownBy(() -> LtxChain.apply(List.of(snapshot, second, corrupt), out))
        .isInstanceOf(LtxException.class)
        .hasMessageStartingWith(corrupt + ": ");
    assertThat(Files.readString(out)).isEqualTo("previous content");
    assertThat(dir.resolve("out.db.tmp")).doesNotExist();

    Path truncated = Files.write(dir.resolve("truncated.ltx"), java.util.Arrays.copyOf(b, 60));
    assertThatThrownBy(() -> LtxChain.apply(List.of(snapshot, truncated), out))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining(truncated + ": LTX header is 100 bytes, got only 60");
    Path empty = Files.createFile(dir.resolve("empty.ltx"));
    assertThatThrownBy(() -> LtxChain.apply(List.of(empty), out))
        .isInstanceOf(LtxException.class)
        .hasMessageContaining(empty + ": file is empty");
  }

  @Test
  void replacingAnOutputRemovesItsStaleWalAndShm() throws Exception {
    Path out = dir.resolve("out.db");
    Files.writeString(out, "old");
    Files.writeString(dir.resolve("out.db-wal"), "stale wal");
    Files.writeString(dir.resolve("out.db-shm"), "stale shm");
    LtxChain.apply(List.of(snapshot, second), out);
    assertThat(dir.resolve("out.db-wal")).doesNotExist();
    assertThat(dir.resolve("out.db-shm")).doesNotExist();
    DbCompare.assertSameContent(v2, out);
  }

  private void assertRefused(List<Path> files, String... messageParts) throws Exception {
    Path out = dir.resolve("refused.db");
    assertThatThrownBy(() -> LtxChain.apply(files, out))
        .isInstanceOf(LtxException.class)
        .hasMessageContainingAll(messageParts);
    assertThat(out).doesNotExist();
    assertThat(dir.resolve("refused.db.tmp")).doesNotExist();
  }

  private Path copyAndRun(Path from, String name, String sql) throws Exception {
    Path to = dir.resolve(name);
    Files.copy(from, to);
    sqlite.run(to, sql);
    return to;
  }
}
