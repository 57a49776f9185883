package io.litestream4j.restore.v3;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.file.FileReplicaClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Litestream 0.3 file names, including WAL offsets past 4 GiB (more than 8 hex digits, Litestream
 * issue 1442), as parsed and as listed by the file replica; other names are ignored.
 */
class V3NamesTest {
  @TempDir Path dir;

  @Test
  void offsetsBeyondFourGibParse() {
    assertThat(V3Names.walSegment("00000001_0000000100000000.wal.lz4"))
        .hasValueSatisfying(
            x -> {
              assertThat(x[0]).isEqualTo(1);
              assertThat(x[1]).isEqualTo(0x1_0000_0000L);
            });
    assertThat(V3Names.walSegment("0000000a_ffffffff.wal.lz4"))
        .hasValueSatisfying(x -> assertThat(x[1]).isEqualTo(0xffff_ffffL));
    assertThat(V3Names.snapshotIndex("0000002a.snapshot.lz4")).contains(42L);
    assertThat(V3Names.walSegment("00000001_000000.wal.lz4")).isEmpty();
    assertThat(V3Names.walSegment("00000001_00000000.wal")).isEmpty();
    assertThat(V3Names.snapshotIndex("x.snapshot.lz4")).isEmpty();
    assertThat(V3Names.walSegment(1, 0x1_0000_0000L)).isEqualTo("00000001_100000000.wal.lz4");
    assertThat(V3Names.walSegment(V3Names.walSegment(3, 0x2_0000_1000L)).orElseThrow()[1])
        .isEqualTo(0x2_0000_1000L);
  }

  @Test
  void theFileReplicaListsLargeOffsetsInOrder() throws Exception {
    Path wal = Files.createDirectories(dir.resolve("generations/0123456789abcdef/wal"));
    Files.createDirectories(dir.resolve("generations/0123456789abcdef/snapshots"));
    Files.createDirectories(dir.resolve("generations/not-a-generation"));
    for (String name :
        new String[] {
          "00000000_100000000.wal.lz4",
          "00000000_00000000.wal.lz4",
          "00000000_ffffffff.wal.lz4",
          "00000000_0000000200000000.wal.lz4",
          "junk.txt"
        }) {
      Files.writeString(wal.resolve(name), "x");
    }
    try (FileReplicaClient client = new FileReplicaClient(dir)) {
      assertThat(client.v3Generations()).containsExactly("0123456789abcdef");
      assertThat(client.v3WalSegments("0123456789abcdef"))
          .extracting(V3WalSegment::offset)
          .containsExactly(0L, 0xffff_ffffL, 0x1_0000_0000L, 0x2_0000_0000L);
      assertThat(client.v3Snapshots("0123456789abcdef")).isEmpty();
    }
  }
}
