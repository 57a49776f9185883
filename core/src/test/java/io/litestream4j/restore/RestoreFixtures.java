package io.litestream4j.restore;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.DbOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.ltx.LtxCompactor;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.file.FileReplicaClient;
import io.litestream4j.testing.ApplicationSteps;
import io.litestream4j.testing.DbCompare;
import io.litestream4j.testing.L0Restore;
import io.litestream4j.testing.TestFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds real replicas for restore tests: an application writes through JDBC (inserts, updates,
 * deletes, checkpoints of every mode, VACUUM) while {@link Replication} runs in-process, and after
 * every step the source's logical content and rolling checksum are recorded under the TXID that
 * covers it. Also compacts replica files into higher levels and snapshots, as the replicator's
 * compaction and snapshot loops would, so plans across levels can be tested.
 */
public final class RestoreFixtures {
  private RestoreFixtures() {}

  /**
   * Creates {@code db} in WAL mode with a table {@code t (v BLOB)} of {@code rows} rows of 4000
   * random bytes (incompressible: about 4 KB of replica per row), for tests that need bulk.
   */
  public static void randomRows(Path db, int rows) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE t (v BLOB)");
      st.execute(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
              + rows
              + ") INSERT INTO t SELECT randomblob(4000) FROM n");
    }
  }

  /** The source database at one acknowledged TXID. */
  public record State(long txid, List<String> dump, long checksum) {}

  /**
   * A replicated history.
   *
   * @param db the source database
   * @param replica the replica directory (file backend layout)
   * @param states the recorded states by TXID (not every TXID: the replicator may sync between
   *     steps)
   */
  public record History(Path db, Path replica, NavigableMap<Long, State> states) {
    public FileReplicaClient client() {
      return new FileReplicaClient(replica);
    }

    /** Creation time of the replica's L0 file for {@code txid} (its LTX header timestamp). */
    public Instant createdAt(long txid) throws IOException {
      return client().ltxFiles(0, txid).stream()
          .filter(f -> f.minTxid() == txid)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no L0 file for TXID " + txid))
          .createdAt();
    }
  }

  /** Replicates {@code rounds} application steps of a database in {@code dir}. */
  public static History replicate(Path dir, int rounds, long seed) throws Exception {
    Path db = dir.resolve("source.db");
    Path replica = dir.resolve("replica");
    NavigableMap<Long, State> states = new TreeMap<>();
    Random rnd = new Random(seed);
    try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement st = app.createStatement()) {
        st.execute("PRAGMA journal_mode=wal");
        st.execute("PRAGMA busy_timeout=200");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB, note TEXT)");
        st.execute("CREATE INDEX t_note ON t(note)");
      }
      ReplicationOptions opts =
          ReplicationOptions.of(db, replica.toUri().toString())
              .withSyncInterval(Duration.ZERO)
              .withDbOptions(
                  DbOptions.DEFAULTS
                      .withMonitorInterval(Duration.ofMillis(50))
                      .withMinCheckpointPageCount(64))
              // Level-0 files only: the tests that need other levels build them explicitly.
              .withStore(StoreOptions.DEFAULTS.withBackground(false));
      try (Replication r = Replication.start(opts)) {
        for (int round = 0; round < rounds; round++) {
          step(app, round, rnd);
          long txid = r.syncAndAwait(Duration.ofSeconds(20));
          states.put(
              txid,
              new State(
                  txid,
                  DbCompare.dump(db),
                  L0Restore.logicalChecksum(db, dir.resolve("scratch-" + txid))));
          // distinct file timestamps, so every recorded TXID is a point in time of its own
          long after = System.currentTimeMillis() + 3;
          while (System.currentTimeMillis() < after) {
            Thread.onSpinWait();
          }
        }
      }
    }
    return new History(db, replica, Collections.unmodifiableNavigableMap(states));
  }

  private static void step(Connection app, int round, Random rnd) throws SQLException {
    app.setAutoCommit(false);
    try (PreparedStatement ins = app.prepareStatement("INSERT INTO t (body, note) VALUES (?, ?)")) {
      int rows = round % 7 == 3 ? 300 : 1 + rnd.nextInt(25);
      for (int i = 0; i < rows; i++) {
        byte[] body = new byte[rnd.nextInt(2500)];
        rnd.nextBytes(body);
        ins.setBytes(1, body);
        ins.setString(2, "round " + round + " row " + i);
        ins.executeUpdate();
      }
    }
    try (Statement st = app.createStatement()) {
      st.execute("UPDATE t SET note = note || '+' WHERE id % 11 = " + (round % 11));
    }
    app.commit();
    app.setAutoCommit(true);
    ApplicationSteps.maintain(app, round);
  }

  /**
   * Compacts the files of {@code srcLevel} covering exactly {@code min..max} into one file at
   * {@code dstLevel} (a snapshot when {@code min} is 1), as compaction does.
   */
  public static LtxFileInfo compact(
      FileReplicaClient client, int srcLevel, long min, long max, int dstLevel) throws IOException {
    List<LtxFileInfo> inputs =
        client.ltxFiles(srcLevel, min).stream().filter(f -> f.maxTxid() <= max).toList();
    long expect = min;
    for (LtxFileInfo f : inputs) {
      if (f.minTxid() != expect) {
        throw new IllegalStateException(
            "L" + srcLevel + " files do not cover " + min + ".." + max + ": " + inputs);
      }
      expect = f.maxTxid() + 1;
    }
    if (expect != max + 1) {
      throw new IllegalStateException(
          "L" + srcLevel + " files do not reach " + max + ": " + inputs);
    }
    List<InputStream> streams = new ArrayList<>();
    for (LtxFileInfo f : inputs) {
      streams.add(client.openLtxFile(f.level(), f.minTxid(), f.maxTxid(), 0, 0));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LtxCompactor.compact(streams, out);
    return client.writeLtxFile(dstLevel, min, max, new ByteArrayInputStream(out.toByteArray()));
  }

  /**
   * Copies the file replica {@code from} to {@code to} (file times kept) without its lease: the
   * copy is a replica nobody holds, for a test to damage.
   */
  public static Path copyReplica(Path from, Path to) throws IOException {
    TestFiles.copyTree(from, to);
    Files.deleteIfExists(to.resolve("lock.json"));
    return to;
  }

  /** Where the file backend keeps {@code level/min-max}. */
  public static Path ltxPath(Path replica, int level, long min, long max) {
    return new FileReplicaClient(replica).ltxFilePath(level, min, max);
  }

  /** Every file under {@code dir} (relative paths), for "nothing left behind" assertions. */
  public static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }
}
