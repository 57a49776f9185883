package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.testing.SqliteCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an embedding application sees once replication is shut down: the shutdown's answer ("is
 * everything on the replica?") stays the same however often it is asked, and calls that can no
 * longer succeed fail at once instead of waiting out their timeout.
 */
class ReplicationAfterShutdownTest {
  private static final SqliteCli SQLITE = SqliteCli.create();

  @TempDir Path dir;

  @Test
  void aFailedShutdownStaysFailedAndLaterCallsFailFast() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    SQLITE.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
    Replication r =
        Replication.start(
            ReplicationOptions.of(db, replica.toUri().toString())
                .withShutdownSync(Duration.ofMillis(500), Duration.ofMillis(100)));
    long replicated = r.syncAndAwait(Duration.ofSeconds(30));

    // The replica becomes unwritable: its directory is replaced by a regular file.
    Files.move(replica, dir.resolve("replica-away"));
    Files.writeString(replica, "not a directory");
    SQLITE.run(db, "INSERT INTO t(v) VALUES ('never uploaded');");
    long pending = r.sync();
    assertThat(pending).isGreaterThan(replicated);

    assertThat(r.shutdown()).as("first shutdown: the last commit is not on the replica").isFalse();
    assertThat(r.shutdown()).as("second shutdown: same answer").isFalse();

    assertThatThrownBy(r::sync)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is shut down");
    long start = System.nanoTime();
    assertThatThrownBy(() -> r.awaitReplicated(pending, Duration.ofSeconds(30)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is shut down")
        .hasMessageContaining("no longer will be");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    r.awaitReplicated(replicated, Duration.ofSeconds(1)); // already there: returns
  }
}
