package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator's connections open an existing database only: an application may delete its
 * database between the replicator's existence check and the open, and the replicator must not bring
 * it back as an empty file of its own.
 */
class SqliteSessionTest {
  @TempDir Path dir;

  @Test
  void openingAMissingDatabaseFailsAndCreatesNoFile() {
    Path missing = dir.resolve("deleted.db");

    assertThatThrownBy(() -> SqliteSession.open(missing, Duration.ofMillis(100)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot open " + missing);
    assertThat(missing).doesNotExist();
    assertThat(dir.resolve("deleted.db-wal")).doesNotExist();
  }
}
