package io.litestream4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.DbConfig;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.DirectoryEntry;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.Await;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory replication of a watched tree with hundreds of databases in one process: databases are
 * created (also in sub-directories made while running), written and deleted while it runs; every
 * live database ends up on its replica, deleted ones are closed, files that are not SQLite
 * databases or do not match the pattern are never replicated, and a sample restores exactly
 * (content, rolling checksum, integrity_check). The bigger variant runs with -Pslow.
 */
class DirectoryReplicationTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path tmp;

  @Test
  void watchedTreeWithHundredsOfDatabases() throws Exception {
    run(150, 60, 30, 40);
  }

  @Test
  @Tag("slow")
  void watchedTreeWithAThousandDatabases() throws Exception {
    run(800, 200, 100, 150);
  }

  private void run(int initial, int created, int deleted, int written) throws Exception {
    Path data = tmp.resolve("data");
    Path replicas = tmp.resolve("replicas");
    List<Path> dbs = new ArrayList<>();
    for (int i = 0; i < initial; i++) {
      Path db = data.resolve("tenants/g" + (i % 8) + "/t" + i + ".db");
      createDb(db, i);
      dbs.add(db);
    }
    Files.writeString(data.resolve("tenants/g0/fake.db"), "not a database, only named like one");
    createDb(data.resolve("tenants/g0/other.sqlite"), -1);
    DbConfig dirEntry = config(data, replicas);
    int threadsBefore = Thread.activeCount();

    Map<Path, Long> appearedNanos = new ConcurrentHashMap<>();
    try (Replicator replicator = Replicator.create()) {
      DirectoryReplication.Starter starter =
          db -> {
            Replication r =
                replicator.add(
                    options(db),
                    new FileReplicaClient(Path.of(db.replica().url().orElseThrow().path())));
            appearedNanos.put(db.path().orElseThrow(), System.nanoTime());
            return r;
          };
      long start = System.nanoTime();
      try (DirectoryReplication dir =
          DirectoryReplication.start(new DirectoryEntry(dirEntry), replicator, starter)) {
        assertThat(dir.databases()).containsExactlyInAnyOrderElementsOf(dbs);
        System.out.printf(
            "directory-replication: %d databases started in %d ms%n",
            initial, Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertThat(Thread.activeCount() - threadsBefore)
            .as("platform threads added for %d databases", initial)
            .isLessThan(40);

        // While running: new databases (half of them in sub-directories that do not exist yet),
        // writes to existing ones, deletions.
        Map<Path, Long> createdNanos = new ConcurrentHashMap<>();
        List<Path> fresh = new ArrayList<>();
        for (int i = 0; i < created; i++) {
          Path db =
              i % 2 == 0
                  ? data.resolve("tenants/new" + (i % 5) + "/deep/n" + i + ".db")
                  : data.resolve("tenants/g" + (i % 8) + "/n" + i + ".db");
          createdNanos.put(db, System.nanoTime());
          createDb(db, 10_000 + i);
          fresh.add(db);
        }
        for (int i = 0; i < written; i++) {
          write(dbs.get(i), 100);
        }
        List<Path> gone = new ArrayList<>(dbs.subList(dbs.size() - deleted, dbs.size()));
        for (Path db : gone) {
          deleteDb(db);
        }
        dbs.removeAll(gone);
        dbs.addAll(fresh);

        Await.until(
            () -> fresh.stream().allMatch(appearedNanos::containsKey),
            TIMEOUT,
            "every new database replicating");
        long slowest =
            fresh.stream()
                .mapToLong(p -> appearedNanos.get(p) - createdNanos.get(p))
                .max()
                .orElse(0);
        System.out.printf(
            "directory-replication: %d new databases, slowest started %d ms after its creation%n",
            created, Duration.ofNanos(slowest).toMillis());
        Await.until(
            () -> gone.stream().allMatch(p -> replicator.get(p).isEmpty()),
            TIMEOUT,
            "deleted databases closed");
        Await.until(
            () -> dbs.stream().allMatch(p -> replicator.get(p).isPresent()),
            TIMEOUT,
            "every live database replicating");
        assertThat(replicator.size()).isEqualTo(dbs.size());
        assertThat(dir.databases()).containsExactlyInAnyOrderElementsOf(dbs);

        for (Path db : dbs) {
          replicator.get(db).orElseThrow().syncAndAwait(TIMEOUT);
        }
        List<Path> sample = new ArrayList<>();
        for (int i = 0; i < dbs.size(); i += Math.max(1, dbs.size() / 12)) {
          sample.add(dbs.get(i));
        }
        sample.add(fresh.getFirst()); // in a sub-directory created while running
        sample.add(dbs.getFirst()); // written while running
        for (Path db : sample) {
          assertRestoresExactly(db, replicas.resolve(data.relativize(db).toString()));
        }
      }
    }
    assertThat(replicas.resolve("tenants/g0/fake.db")).doesNotExist();
    assertThat(replicas.resolve("tenants/g0/other.sqlite")).doesNotExist();
    assertThat(data.resolve("tenants/g0/fake.db-wal")).doesNotExist();
  }

  @Test
  void unwatchedEmptyDirectoryIsAnError() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(data.resolve("x.db"), "text");
    try (Replicator replicator = Replicator.create()) {
      DbConfig entry =
          ConfigLoader.parse(
                  """
          dbs:
            - dir: %s
              pattern: "*.db"
              replica:
                url: file://%s
          """
                      .formatted(data, tmp.resolve("r")),
                  "test",
                  false,
                  Map.of())
              .config()
              .dbs()
              .getFirst();
      assertThatThrownBy(
              () ->
                  DirectoryReplication.start(
                      new DirectoryEntry(entry),
                      replicator,
                      db -> {
                        throw new AssertionError("nothing to start");
                      }))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no SQLite databases found in directory " + data);
      DbConfig missing =
          ConfigLoader.parse(
                  """
          dbs:
            - dir: %s
              pattern: "*.db"
              watch: true
              replica:
                url: file://%s
          """
                      .formatted(tmp.resolve("nope"), tmp.resolve("r")),
                  "test",
                  false,
                  Map.of())
              .config()
              .dbs()
              .getFirst();
      assertThatThrownBy(
              () ->
                  DirectoryReplication.start(
                      new DirectoryEntry(missing),
                      replicator,
                      db -> {
                        throw new AssertionError("nothing to start");
                      }))
          .isInstanceOf(NoSuchFileException.class);
    }
  }

  private DbConfig config(Path data, Path replicas) {
    return ConfigLoader.parse(
            """
        dbs:
          - dir: %s
            pattern: "*.db"
            recursive: true
            watch: true
            meta-dir: %s
            replica:
              url: file://%s
        """
                .formatted(data, tmp.resolve("meta"), replicas),
            "test",
            false,
            Map.of())
        .config()
        .dbs()
        .getFirst();
  }

  private static ReplicationOptions options(DbConfig db) {
    return ReplicationOptions.of(db.path().orElseThrow(), db.replica().describe())
        .withMetaDir(db.resolvedMetaPath())
        .withSyncInterval(Duration.ZERO)
        .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(500)))
        .withStore(StoreOptions.DEFAULTS.withBackground(false))
        .withShutdownSync(Duration.ofSeconds(30), Duration.ofMillis(100));
  }

  private static void createDb(Path db, int seed) throws Exception {
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute(
          "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT, balance INTEGER, note BLOB)");
      st.execute(
          "INSERT INTO accounts (owner, balance, note) VALUES ('tenant-"
              + seed
              + "', "
              + seed
              + ", randomblob(300))");
    }
  }

  private static void write(Path db, int rows) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO accounts (owner, balance, note) VALUES (?, ?, randomblob(200))")) {
        for (int i = 0; i < rows; i++) {
          ps.setString(1, "w" + i);
          ps.setInt(2, i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
      try (Statement st = c.createStatement()) {
        st.execute("UPDATE accounts SET balance = balance + 1 WHERE id % 3 = 0");
      }
      c.commit();
    }
  }

  private static void deleteDb(Path db) throws IOException {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
    }
  }

  private void assertRestoresExactly(Path db, Path replica) throws Exception {
    Path out = tmp.resolve("restored/" + replica.getFileName() + "-" + System.nanoTime() + ".db");
    Files.createDirectories(out.getParent());
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      RestoreResult result =
          new Restorer(client)
              .restore(
                  RestoreOptions.of(out).withIntegrityCheck(RestoreOptions.IntegrityCheck.FULL));
      assertThat(result.txid()).as("restored TXID of %s", db).isPositive();
    }
    DbCompare.assertSameContent(db, out);
    DbCompare.assertIntegrity(out);
    assertThat(DatabaseChecksum.of(out))
        .as("checksum of the restore of %s", db)
        .isEqualTo(L0Restore.logicalChecksum(db, tmp.resolve("scratch-" + System.nanoTime())));
  }
}
