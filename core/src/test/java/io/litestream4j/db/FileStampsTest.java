package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idle poll's comparison: any change of size, time or identity, and a file (dis)appearing. */
class FileStampsTest {
  @TempDir Path dir;

  @Test
  void matchesOnlyWhileNeitherFileChanged() throws Exception {
    Path db = Files.write(dir.resolve("app.db"), new byte[4096]);
    Path wal = dir.resolve("app.db-wal");
    FileStamps stamps = FileStamps.of(db, wal);
    assertThat(stamps.matches(db, wal)).as("unchanged, WAL missing in both").isTrue();

    Files.write(wal, new byte[32]);
    assertThat(stamps.matches(db, wal)).as("the WAL appeared").isFalse();
    stamps = FileStamps.of(db, wal);
    assertThat(stamps.matches(db, wal)).isTrue();

    Files.write(wal, new byte[8], StandardOpenOption.APPEND);
    assertThat(stamps.matches(db, wal)).as("the WAL grew").isFalse();
    stamps = FileStamps.of(db, wal);

    FileTime before = Files.getLastModifiedTime(db);
    Files.setLastModifiedTime(db, FileTime.fromMillis(before.toMillis() + 5_000));
    assertThat(stamps.matches(db, wal)).as("the database's time changed, same size").isFalse();
    stamps = FileStamps.of(db, wal);

    Path other = Files.write(dir.resolve("other"), new byte[4096]);
    Files.setLastModifiedTime(other, Files.getLastModifiedTime(db));
    Files.move(other, db, StandardCopyOption.REPLACE_EXISTING);
    assertThat(stamps.matches(db, wal))
        .as("the database was replaced (same size and time)")
        .isFalse();
    stamps = FileStamps.of(db, wal);

    Files.delete(wal);
    assertThat(stamps.matches(db, wal)).as("the WAL disappeared").isFalse();
  }
}
