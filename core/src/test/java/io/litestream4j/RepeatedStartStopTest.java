package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.ProcLocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that starts and stops replication again and again (a refreshed Spring context)
 * while its own connection stays open: replication cannot close its descriptor of the database then
 * (that would drop the application's SQLite locks), so the next start takes that descriptor over
 * instead of opening another. Twenty cycles leave at most one more descriptor, the application's
 * lock held throughout, and everything replicated.
 */
class RepeatedStartStopTest {
  @TempDir Path dir;

  @Test
  void twentyCyclesWithTheApplicationsConnectionOpenLeakNoDescriptors() throws Exception {
    ProcLocks.assumeAvailable();
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    long pid = ProcessHandle.current().pid();
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      cycle(db, replica, st, 0); // the first cycle keeps its descriptor
      long before = openDescriptors();
      for (int i = 1; i <= 20; i++) {
        cycle(db, replica, st, i);
        assertThat(ProcLocks.holdsShared(pid, db))
            .as("the application's SQLite lock after cycle %d", i)
            .isTrue();
      }
      assertThat(openDescriptors() - before)
          .as("descriptors left open by 20 start/stop cycles")
          .isLessThanOrEqualTo(1);
    }
    L0Restore.assertReplicaEquals(replica, db);
  }

  private static void cycle(Path db, Path replica, Statement st, int i) throws Exception {
    try (Replication r = Replication.start(ReplicationOptions.of(db, replica.toUri().toString()))) {
      st.execute("INSERT INTO t(v) VALUES ('cycle " + i + "')");
      r.syncAndAwait(Duration.ofSeconds(30));
    }
  }

  private static long openDescriptors() throws Exception {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
