package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.DbCompare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop of a process replicating many databases: every database's last write, committed just
 * before the stop and not yet synced, is on its replica afterwards (restored and compared), the
 * stop returns within {@code shutdown-sync-timeout}, and no platform thread of the replicator is
 * left to keep the process from exiting. Background compaction runs as in the CLI, so databases
 * queued for a work permit behind others' compactions are part of what the stop must cut short. The
 * bigger variant runs with -Pslow.
 */
class ManyDatabasesShutdownTest {
  private static final Duration SHUTDOWN_SYNC_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path tmp;

  @Test
  void stopOfFortyDatabases() throws Exception {
    run(40);
  }

  @Test
  @Tag("slow")
  void stopOfTwoHundredDatabases() throws Exception {
    run(200);
  }

  private void run(int count) throws Exception {
    List<Path> dbs = new ArrayList<>();
    List<Path> replicas = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path db = tmp.resolve("data/db-" + i + ".db");
      createDb(db, i);
      dbs.add(db);
      replicas.add(tmp.resolve("replicas/r-" + i));
    }
    Replicator replicator = Replicator.create();
    boolean complete;
    long stopNanos;
    try {
      for (int i = 0; i < count; i++) {
        replicator.add(
            options(dbs.get(i), replicas.get(i)), new FileReplicaClient(replicas.get(i)));
      }
      for (Path db : dbs) {
        replicator.get(db).orElseThrow().syncAndAwait(TIMEOUT);
      }
      for (int i = 0; i < count; i++) {
        insert(dbs.get(i), "final-" + i);
      }
      long start = System.nanoTime();
      complete = replicator.shutdown();
      stopNanos = System.nanoTime() - start;
    } finally {
      replicator.close();
    }
    System.out.printf(
        "many-databases-shutdown: %d databases stopped in %d ms%n",
        count, Duration.ofNanos(stopNanos).toMillis());
    assertThat(complete).as("every replica holds every commit").isTrue();
    assertThat(Duration.ofNanos(stopNanos)).isLessThan(SHUTDOWN_SYNC_TIMEOUT);
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && t.getName().startsWith("l4j-"))
                .map(Thread::getName)
                .toList())
        .as("replicator threads that would keep the process from exiting")
        .isEmpty();

    for (int i = 0; i < count; i++) {
      Path out = tmp.resolve("restored/db-" + i + ".db");
      Files.createDirectories(out.getParent());
      try (FileReplicaClient client = new FileReplicaClient(replicas.get(i))) {
        new Restorer(client).restore(RestoreOptions.of(out));
      }
      assertThat(notes(out)).as("restore of db %d", i).contains("final-" + i);
      DbCompare.assertSameContent(dbs.get(i), out);
    }
  }

  private static ReplicationOptions options(Path db, Path replica) {
    return ReplicationOptions.of(db, "file://" + replica)
        .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(500)))
        .withStore(StoreOptions.DEFAULTS.withBackground(true))
        .withShutdownSync(SHUTDOWN_SYNC_TIMEOUT, Duration.ofMillis(100));
  }

  private static void createDb(Path db, int seed) throws Exception {
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT, pad BLOB)");
      st.execute("INSERT INTO notes (note, pad) VALUES ('created-" + seed + "', randomblob(300))");
    }
  }

  private static void insert(Path db, String note) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO notes (note, pad) VALUES ('" + note + "', randomblob(100))");
    }
  }

  private static List<String> notes(Path db) throws Exception {
    List<String> notes = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT note FROM notes ORDER BY id")) {
      while (rs.next()) {
        notes.add(rs.getString(1));
      }
    }
    return notes;
  }
}
