package io.litestream4j.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.replica.ObjectKeys.Layout;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one-listing view of all levels: its prefix holds every level's objects and nothing else of
 * the replica, and each listed key maps back to the file the per-level parse gives.
 */
class ObjectKeysTest {
  private static final Instant T = Instant.parse("2026-12-07T00:00:00Z");

  @Test
  void theAllLevelsPrefixCoversEveryLevelAndNotTheLeaseOrV3Backups() {
    for (ObjectKeys keys :
        new ObjectKeys[] {
          new ObjectKeys("db", Layout.HEX_LEVELS),
          new ObjectKeys("", Layout.HEX_LEVELS),
          new ObjectKeys("a/db", Layout.LTX_DIRECTORIES),
          new ObjectKeys("", Layout.LTX_DIRECTORIES)
        }) {
      String all = keys.allLevelsPrefix();
      for (int level = LtxFileInfo.L0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
        assertThat(keys.ltxKey(level, 1, 2)).as("%s level %d", keys, level).startsWith(all);
        assertThat(keys.parseAnyLevel(keys.ltxKey(level, 1, 2), 7, T))
            .contains(new LtxFileInfo(level, 1, 2, 7, T));
      }
      assertThat(keys.lockKey()).doesNotStartWith(all);
      String v3 = (keys.path().isEmpty() ? "" : keys.path() + "/") + "generations/0123/wal/x";
      assertThat(v3).doesNotStartWith(all);
    }
  }

  @Test
  void keysThatAreNotAnLtxFileOfALevelAreSkipped() {
    ObjectKeys hex = new ObjectKeys("db", Layout.HEX_LEVELS);
    assertThat(hex.parseAnyLevel("db/000a/0000000000000001-0000000000000001.ltx", 1, T)).isEmpty();
    assertThat(hex.parseAnyLevel("db/0000/notes.txt", 1, T)).isEmpty();
    assertThat(hex.parseAnyLevel("db/0000/sub/0000000000000001-0000000000000001.ltx", 1, T))
        .isEmpty();
    assertThat(hex.parseAnyLevel("db/000", 1, T)).isEmpty();
    ObjectKeys dirs = new ObjectKeys("db", Layout.LTX_DIRECTORIES);
    assertThat(dirs.parseAnyLevel("db/ltx/10/0000000000000001-0000000000000001.ltx", 1, T))
        .isEqualTo(Optional.empty());
  }
}
