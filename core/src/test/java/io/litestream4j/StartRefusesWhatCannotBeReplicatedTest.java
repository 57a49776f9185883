package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database path no retry can fix is refused by {@link Replication#start} itself, instead of a
 * replication that reports itself running while every sync fails: a directory, a file that is not a
 * SQLite database. Nothing is left behind to hold the database (its state lock is released).
 */
class StartRefusesWhatCannotBeReplicatedTest {
  @TempDir Path dir;

  @Test
  void aDirectoryIsRefused() throws Exception {
    Path db = Files.createDirectories(dir.resolve("app.db"));
    assertThatThrownBy(() -> Replication.start(ReplicationOptions.of(db, replica())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(db + " is a directory, not a SQLite database file");
  }

  @Test
  void aFileThatIsNotASqliteDatabaseIsRefusedAndReleased() throws Exception {
    Path db = dir.resolve("app.db");
    Files.writeString(db, "this is a text file, long enough to have a header\n".repeat(100));
    assertThatThrownBy(() -> Replication.start(ReplicationOptions.of(db, replica())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(db + " is not a SQLite database");
    // The refused start released its state lock: once the path is fixed, replication starts.
    Files.delete(db);
    try (Replication r = Replication.start(ReplicationOptions.of(db, replica()))) {
      org.assertj.core.api.Assertions.assertThat(r.running()).isTrue();
    }
  }

  private String replica() {
    return dir.resolve("replica").toUri().toString();
  }
}
