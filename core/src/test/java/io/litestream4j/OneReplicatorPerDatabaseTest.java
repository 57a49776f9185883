package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.ProcLocks;
import io.litestream4j.testing.SqliteCli;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database has one replicator at a time: a second {@link Replication} of it in the same JVM, to
 * any replica, is refused, because the two would share its local state directory (L0 files of the
 * same names, different contents: both replicas' histories broke). The first keeps its OS lock —
 * refusing must not open and close a descriptor of the lock file, which would release it — and
 * keeps replicating. (Across processes: {@code ReplicateCommandTest}.)
 */
class OneReplicatorPerDatabaseTest {
  private static final SqliteCli SQLITE = SqliteCli.create();

  @TempDir Path dir;

  @Test
  void aSecondReplicationOfTheSameDatabaseIsRefusedAndTheFirstKeepsItsLock() throws Exception {
    Path db = dir.resolve("app.db");
    SQLITE.run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    Path lockFile = new LocalLtxDir(LocalLtxDir.defaultMetaDir(db)).lockFile();
    try (Replication r = Replication.start(ReplicationOptions.of(db, first.toUri().toString()))) {
      assertThatThrownBy(
              () -> Replication.start(ReplicationOptions.of(db, second.toUri().toString())))
          .isInstanceOf(AlreadyReplicatingException.class)
          .hasMessageContaining(db + " is already being replicated by another replicator in this")
          .hasMessageContaining(LocalLtxDir.defaultMetaDir(db).toString());
      if (ProcLocks.available()) {
        assertThat(ProcLocks.on(lockFile))
            .as("the first replicator's OS lock on %s after the refusal", lockFile)
            .anySatisfy(
                l -> {
                  assertThat(l.pid()).isEqualTo(ProcessHandle.current().pid());
                  assertThat(l.type()).isEqualTo("WRITE");
                });
      }
      SQLITE.run(db, "INSERT INTO t(v) VALUES ('still replicated');");
      r.syncAndAwait(Duration.ofSeconds(30));
    }
    L0Restore.assertReplicaEquals(first, db);

    try (Replication again =
        Replication.start(ReplicationOptions.of(db, second.toUri().toString()))) {
      again.syncAndAwait(Duration.ofSeconds(30));
    }
    L0Restore.assertReplicaEquals(second, db);
  }
}
