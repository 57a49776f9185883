package io.litestream4j.restore.v3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.RestoreException;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.Litestream03;
import io.litestream4j.testing.TestFiles;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas written by the real Litestream 0.3.13 while an application writes and checkpoints (and
 * Litestream itself checkpoints every second, so WAL indexes advance), across two generations
 * (Litestream stopped, the application writes and truncates its WAL, Litestream restarted): the
 * latest restore equals the source, and a restore at each recorded moment equals the source's rows
 * at that moment. Then litestream4j replicates the same database into the same replica: the latest
 * restore now comes from the newer LTX files, while moments before them still come from the v0.3
 * backups. Skipped with a message when npm cannot install Litestream 0.3.13.
 */
class V3RestoreInteropTest {
  @TempDir static Path dir;
  static Path db;
  static Path replica;
  static final Map<Instant, List<String>> moments = new LinkedHashMap<>();
  static List<String> finalRows;

  @BeforeAll
  static void replicateWithLitestream03() throws Exception {
    Optional<Path> bin = Litestream03.binary();
    Assumptions.assumeTrue(
        bin.isPresent(), "Litestream 0.3.13 (npm @flydotio/litestream-linux-x64) unavailable");
    db = dir.resolve("app.db");
    replica = dir.resolve("replica");
    Path log = dir.resolve("litestream.log");
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA busy_timeout=10000");
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, pad BLOB)");
      Process ls = Litestream03.replicate(bin.get(), db, replica, log);
      int id = 0;
      for (int batch = 1; batch <= 3; batch++) {
        id = batch(st, id, batch);
        if (batch == 2) {
          st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        record(app);
      }
      Litestream03.stop(ls);
      id = batch(st, id, 4); // while Litestream is down, then truncate the WAL behind its back
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      ls = Litestream03.replicate(bin.get(), db, replica, log);
      record(app);
      for (int batch = 5; batch <= 6; batch++) {
        id = batch(st, id, batch);
        record(app);
      }
      Litestream03.stop(ls);
      finalRows = rows(app);
    }
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      assertThat(client.v3Generations())
          .as("generations written by Litestream 0.3.13 (log: %s)", log)
          .hasSizeGreaterThanOrEqualTo(2);
      long indexes =
          client.v3Generations().stream()
              .flatMap(
                  g -> {
                    try {
                      return client.v3WalSegments(g).stream();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .map(s -> s.generation() + s.index())
              .distinct()
              .count();
      System.out.printf(
          "v3-interop: %d generations, %d WAL indexes, %d moments%n",
          client.v3Generations().size(), indexes, moments.size());
    }
  }

  /** 15 transactions over ~0.9 s: inserts, an update and a delete now and then. */
  private static int batch(Statement st, int id, int batch) throws Exception {
    for (int i = 0; i < 15; i++) {
      id++;
      st.execute(
          "INSERT INTO t VALUES ("
              + id
              + ", 'b"
              + batch
              + "-"
              + i
              + "', randomblob("
              + (i % 5 == 0 ? 3000 : 100)
              + "))");
      if (i % 4 == 3) {
        st.execute("UPDATE t SET v = v || '!' WHERE id = " + (id - 2));
      }
      if (i == 7 && id > 10) {
        st.execute("DELETE FROM t WHERE id = " + (id - 10));
      }
      Thread.sleep(60); // ~9 syncs per batch: WAL indexes with several segments
    }
    return id;
  }

  /**
   * Waits until Litestream has shipped everything (no replica file changed for 600 ms), then
   * records the rows.
   */
  private static void record(Connection app) throws Exception {
    long quietSince = System.nanoTime();
    Instant lastChange = newest();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() - quietSince < Duration.ofMillis(600).toNanos()) {
      Thread.sleep(50);
      Instant n = newest();
      if (!n.equals(lastChange)) {
        lastChange = n;
        quietSince = System.nanoTime();
      }
      assertThat(System.nanoTime()).as("Litestream 0.3.13 goes quiet").isLessThan(deadline);
    }
    Instant t = Instant.now();
    moments.put(t, rows(app));
    Thread.sleep(20);
  }

  private static Instant newest() throws Exception {
    if (!Files.isDirectory(replica)) {
      return Instant.EPOCH;
    }
    try (Stream<Path> files = Files.walk(replica)) {
      return files
          .filter(Files::isRegularFile)
          .map(
              p -> {
                try {
                  return Files.getLastModifiedTime(p).toInstant();
                } catch (Exception e) {
                  return Instant.EPOCH;
                }
              })
          .max(Instant::compareTo)
          .orElse(Instant.EPOCH);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        // A file (Litestream's *.tmp) vanished while the tree was walked: the replica is changing.
        return Instant.now();
      }
      throw e;
    }
  }

  static List<String> rows(Connection c) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT id, v, hex(pad) FROM t ORDER BY id")) {
      while (r.next()) {
        out.add(r.getLong(1) + "|" + r.getString(2) + "|" + r.getString(3));
      }
    }
    return out;
  }

  static List<String> rows(Path p) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + p)) {
      return rows(c);
    }
  }

  @Test
  void latestAndEveryRecordedMomentRestoreExactly() throws Exception {
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      Restorer restorer = new Restorer(client, replica.toUri().toString());
      Path latest = dir.resolve("latest.db");
      RestoreResult r = restorer.restore(RestoreOptions.of(latest));
      assertThat(r.plan()).as("restored from the v0.3 backups").isNull();
      assertThat(rows(latest)).isEqualTo(finalRows);
      DbCompare.assertSameContent(db, latest);
      DbCompare.assertIntegrity(latest);
      int i = 0;
      for (var m : moments.entrySet()) {
        Path out = dir.resolve("at-" + i++ + ".db");
        restorer.restore(RestoreOptions.of(out).withTarget(RestoreTarget.timestamp(m.getKey())));
        assertThat(rows(out)).as("state at %s", m.getKey()).isEqualTo(m.getValue());
        DbCompare.assertIntegrity(out);
      }
      assertThatThrownBy(
              () ->
                  restorer.restore(
                      RestoreOptions.of(dir.resolve("early.db"))
                          .withTarget(
                              RestoreTarget.timestamp(Instant.parse("2000-01-01T00:00:00Z")))))
          .isInstanceOf(RestoreException.class)
          .hasMessageContaining("no Litestream v0.3 snapshot")
          .hasMessageContaining("holds only Litestream v0.3 backups");
      assertThatThrownBy(
              () ->
                  io.litestream4j.Follower.start(
                      client,
                      "v3 replica",
                      io.litestream4j.FollowOptions.of(dir.resolve("follow.db"))))
          .hasMessageContaining("holds only Litestream v0.3")
          .hasMessageContaining("follow mode");
      assertThat(dir.resolve("follow.db")).doesNotExist();
      assertThatThrownBy(
              () ->
                  restorer.restore(
                      RestoreOptions.of(dir.resolve("txid.db")).withTarget(RestoreTarget.txid(5))))
          .hasMessageContaining("v0.3 backups")
          .hasMessageContaining("no TXIDs");
    }
  }

  @Test
  void aMissingWalIndexOrSegmentIsNamed() throws Exception {
    V3Catalog.Generation first;
    try (FileReplicaClient client = new FileReplicaClient(replica)) {
      first =
          V3Catalog.load(client).generations().values().stream()
              .min(java.util.Comparator.comparing(g -> g.createdAt().orElseThrow()))
              .orElseThrow();
    }
    String gen = first.id();
    long snapshotIndex = first.snapshots().getLast().index();
    RestoreTarget target =
        RestoreTarget.timestamp(first.updatedAt().orElseThrow()); // the first generation's end
    List<V3WalSegment> planned =
        first.segments().stream().filter(s -> s.index() >= snapshotIndex).toList();
    long lastIndex = planned.getLast().index();
    assertThat(lastIndex)
        .as("Litestream 0.3.13 checkpointed: several WAL indexes in %s", gen)
        .isGreaterThan(snapshotIndex + 1);

    // A segment cut out of the middle of a WAL index.
    V3WalSegment middle =
        planned.stream()
            .filter(
                s ->
                    s.offset() > 0
                        && planned.stream()
                            .anyMatch(n -> n.index() == s.index() && n.offset() > s.offset()))
            .findFirst()
            .orElseThrow();
    Path noSegment = dir.resolve("no-segment");
    TestFiles.copyTree(replica, noSegment);
    Files.delete(
        noSegment.resolve("generations").resolve(gen).resolve("wal").resolve(middle.name()));
    try (FileReplicaClient client = new FileReplicaClient(noSegment)) {
      assertThatThrownBy(
              () ->
                  new Restorer(client, "broken")
                      .restore(RestoreOptions.of(dir.resolve("b1.db")).withTarget(target)))
          .isInstanceOf(RestoreException.class)
          .hasMessageContaining("missing WAL segment")
          .hasMessageContaining(gen);
    }

    // A whole WAL index missing between the snapshot and the last index.
    long gapIndex = lastIndex - 1;
    Path noIndex = dir.resolve("no-index");
    TestFiles.copyTree(replica, noIndex);
    for (V3WalSegment s : planned) {
      if (s.index() == gapIndex) {
        Files.delete(noIndex.resolve("generations").resolve(gen).resolve("wal").resolve(s.name()));
      }
    }
    try (FileReplicaClient client = new FileReplicaClient(noIndex)) {
      assertThatThrownBy(
              () ->
                  new Restorer(client, "broken")
                      .restore(RestoreOptions.of(dir.resolve("b2.db")).withTarget(target)))
          .isInstanceOf(RestoreException.class)
          .hasMessageContaining("missing WAL index " + V3Names.index(gapIndex));
    }
    assertThat(dir.resolve("b1.db")).doesNotExist();
    assertThat(dir.resolve("b1.db.tmp")).doesNotExist();
    assertThat(dir.resolve("b1.db.tmp-wal")).doesNotExist();
    assertThat(dir.resolve("b2.db")).doesNotExist();
    System.out.println(
        "v3-interop: missing segment "
            + middle
            + " and missing WAL index "
            + V3Names.index(gapIndex)
            + " named");
  }

  @Test
  void newerLtxFilesWinForTheLatestStateAndOlderMomentsStillComeFromV3() throws Exception {
    Path both = dir.resolve("both");
    TestFiles.copyTree(replica, both);
    Path db2 = dir.resolve("app2.db");
    Files.copy(db, db2);
    List<String> after;
    try (Replication r =
            Replication.start(
                ReplicationOptions.of(db2, both.toUri().toString())
                    .withSyncInterval(Duration.ZERO));
        Connection app = DriverManager.getConnection("jdbc:sqlite:" + db2);
        Statement st = app.createStatement()) {
      st.execute("INSERT INTO t VALUES (100000, 'after the upgrade', NULL)");
      r.syncAndAwait(Duration.ofSeconds(30));
      after = rows(app);
    }
    try (FileReplicaClient client = new FileReplicaClient(both)) {
      Restorer restorer = new Restorer(client);
      Path latest = dir.resolve("both-latest.db");
      RestoreResult r = restorer.restore(RestoreOptions.of(latest));
      assertThat(r.plan()).as("the LTX files are newer").isNotNull();
      assertThat(rows(latest)).isEqualTo(after);
      var first = moments.entrySet().iterator().next();
      Path old = dir.resolve("both-old.db");
      RestoreResult o =
          restorer.restore(
              RestoreOptions.of(old).withTarget(RestoreTarget.timestamp(first.getKey())));
      assertThat(o.plan()).as("no LTX snapshot that early: v0.3").isNull();
      assertThat(rows(old)).isEqualTo(first.getValue());
    }
  }
}
