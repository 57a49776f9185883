package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIdentitiesTest {
  @TempDir Path dir;

  @Test
  void aReplacedOrDeletedFileIsNoticedAndAFileThatDidNotExistYetIsNot() throws Exception {
    Path db = Files.writeString(dir.resolve("app.db"), "db");
    Path wal = dir.resolve("app.db-wal");
    Path shm = Files.writeString(dir.resolve("app.db-shm"), "shm");
    FileIdentities ids = FileIdentities.none(db, wal, shm).withDbNow().withWalAndShmNow();
    assertThat(ids.walKey()).as("no WAL yet").isNull();
    assertThat(ids.replacedOnDisk()).isFalse();

    Files.writeString(wal, "wal"); // appears later: not a replacement
    assertThat(ids.replacedOnDisk()).isFalse();
    FileIdentities withWal = ids.withWalIfUnknown();
    assertThat(withWal.walKey()).isNotNull();
    assertThat(withWal.withWalIfUnknown()).isSameAs(withWal);

    Path other = Files.writeString(dir.resolve("other"), "new database");
    Files.move(other, db, StandardCopyOption.REPLACE_EXISTING);
    assertThat(withWal.replacedOnDisk()).as("database file replaced by another inode").isTrue();

    FileIdentities fresh = withWal.withDbNow();
    assertThat(fresh.replacedOnDisk()).isFalse();
    Files.delete(shm);
    assertThat(fresh.replacedOnDisk()).as("shared-memory file deleted").isTrue();
  }
}
