package io.litestream4j.junit;

import io.litestream4j.Replication;
import io.litestream4j.RestoreOptions;
import io.litestream4j.RestoreResult;
import io.litestream4j.RestoreTarget;
import io.litestream4j.Restorer;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaClients;
import io.litestream4j.tools.DatabaseContent;
import io.litestream4j.tools.DatabaseSnapshots;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replicated SQLite database made for one test by {@link ReplicatedDatabase}: the live database,
 * its running {@link Replication}, its file replica, and assertions that the replica restores the
 * database exactly. Connections opened through {@link #connect()} are closed after the test.
 *
 * <p>The assertions compare three things, so a passing test proves more than a row count: the
 * restored file's page checksum equals the checksum replication recorded for that TXID, every
 * schema entry and row is equal, and {@code PRAGMA integrity_check} of the restored file says ok.
 * Call them while the test's own writers are quiet (their commits would otherwise race the
 * comparison).
 */
public final class TestDatabase {
  /** How long the assertions wait for the replica. */
  public static final Duration REPLICA_TIMEOUT = Duration.ofSeconds(30);

  private final Path directory;
  private final Path path;
  private final Path replicaDirectory;
  private final Replication replication;
  private final List<Connection> connections = new ArrayList<>();
  private final AtomicInteger restores = new AtomicInteger();

  TestDatabase(Path directory, Path path, Path replicaDirectory, Replication replication) {
    this.directory = directory;
    this.path = path;
    this.replicaDirectory = replicaDirectory;
    this.replication = replication;
  }

  /** The database file. */
  public Path path() {
    return path;
  }

  /** The file replica's directory (Litestream's layout: {@code ltx/<level>/...}). */
  public Path replicaDirectory() {
    return replicaDirectory;
  }

  /** The replica's URL, for {@code litestream4j restore} or a {@link Restorer}. */
  public String replicaUrl() {
    return replicaDirectory.toUri().toString();
  }

  /** The running replication of this database. */
  public Replication replication() {
    return replication;
  }

  /** A new JDBC connection to the database (WAL mode, 5 s busy timeout), closed after the test. */
  public synchronized Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + path);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = 5000");
      st.execute("PRAGMA journal_mode = wal");
    }
    connections.add(c);
    return c;
  }

  /** Syncs and waits until the replica holds every commit so far; returns that TXID. */
  public long awaitReplicated() throws IOException, InterruptedException, TimeoutException {
    return replication.syncAndAwait(REPLICA_TIMEOUT);
  }

  /** Restores the latest replicated state into a new file in the test's directory. */
  public Path restore() throws IOException {
    return restore(RestoreTarget.latest()).output();
  }

  /**
   * Restores {@code target} (with a full integrity check) into a new file in the test's directory.
   */
  public RestoreResult restore(RestoreTarget target) throws IOException {
    Path out = directory.resolve("restored-" + restores.incrementAndGet() + ".db");
    try (ReplicaClient client = ReplicaClients.discover().create(replicaUrl())) {
      return new Restorer(client, replicaUrl())
          .restore(
              RestoreOptions.of(out)
                  .withTarget(target)
                  .withIntegrityCheck(RestoreOptions.IntegrityCheck.FULL));
    }
  }

  /**
   * The database's current logical content (schema entries and rows), as compared by the
   * assertions.
   */
  public List<String> content() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path)) {
      return DatabaseContent.dump(c);
    }
  }

  /**
   * Asserts that the replica restores exactly the database's current state: waits for the replica,
   * restores at that TXID, and compares page checksum, content and integrity.
   *
   * @return the restored database file, for further checks
   */
  public Path assertRestoresExactly() throws Exception {
    long txid = awaitReplicated();
    long expectedChecksum = replication.position().postApplyChecksum();
    if (replication.position().txid() != txid) {
      throw new AssertionError(
          "the database kept changing while asserting (TXID "
              + Long.toHexString(txid)
              + " became "
              + Long.toHexString(replication.position().txid())
              + "): stop the test's writers first");
    }
    List<String> expected = content();
    RestoreResult result = restore(RestoreTarget.txid(txid));
    assertRestored(result.output(), expected, expectedChecksum, txid);
    return result.output();
  }

  /**
   * Asserts that restoring {@code txid} gives exactly {@code expectedContent} (a {@link #content()}
   * taken when the database was at that TXID, e.g. right after {@link #awaitReplicated()}).
   */
  public Path assertRestoresTo(long txid, List<String> expectedContent) throws Exception {
    RestoreResult result = restore(RestoreTarget.txid(txid));
    assertRestored(result.output(), expectedContent, null, txid);
    return result.output();
  }

  private static void assertRestored(
      Path restored, List<String> expected, Long expectedChecksum, long txid) throws Exception {
    if (expectedChecksum != null) {
      long actual = DatabaseSnapshots.checksum(restored, false).checksum();
      if (actual != expectedChecksum) {
        throw new AssertionError(
            String.format(
                "restored database at TXID %x has checksum %016x, the source had %016x",
                txid, actual, expectedChecksum));
      }
    }
    List<String> actual;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
      actual = DatabaseContent.dump(c);
    }
    if (!actual.equals(expected)) {
      int i = 0;
      while (i < Math.min(actual.size(), expected.size())
          && actual.get(i).equals(expected.get(i))) {
        i++;
      }
      throw new AssertionError(
          "restored database at TXID "
              + Long.toHexString(txid)
              + " differs from the source"
              + " at content line "
              + i
              + ":\n expected: "
              + (i < expected.size() ? expected.get(i) : "<end>")
              + "\n actual:   "
              + (i < actual.size() ? actual.get(i) : "<end>"));
    }
  }

  synchronized void closeConnections() {
    for (Connection c : connections) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the test may have closed it already
      }
    }
    connections.clear();
  }
}
