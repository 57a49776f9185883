package io.litestream4j.db;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * The replicator's own SQLite connections to one database, and the locks it takes through them.
 *
 * <p>Three connections, each with one job, so that no lock taken by one can get in the way of
 * another:
 *
 * <ul>
 *   <li><b>reader</b> holds a long-running read transaction. While it is held no other connection
 *       can restart or truncate the WAL past frames the replicator has not seen (a reader on a
 *       non-zero read mark blocks WAL restarts; a reader on read mark 0 blocks every backfill).
 *   <li><b>barrier</b> briefly takes SQLite's write lock (an insert into {@code _litestream_lock}
 *       that is always rolled back) so the WAL cannot grow while the replicator seals it before a
 *       checkpoint. It is held only for work proportional to the frames written since the previous
 *       sync, never to the database size.
 *   <li><b>checkpointer</b> runs {@code PRAGMA wal_checkpoint} and the schema bootstrap.
 * </ul>
 *
 * <p>All connections use {@code wal_autocheckpoint=0}: only the replicator's explicit checkpoints
 * (and the application's own) ever move pages from the WAL into the database file.
 *
 * <p>Not thread-safe: owned by the database's sync thread.
 */
final class SqliteSession implements AutoCloseable {
  /** Earlier versions have a WAL-reset corruption race (Litestream issue 1432). */
  static final String MIN_SQLITE_VERSION = "3.51.3";

  private final Connection reader;
  private final Connection barrier;
  private final Connection checkpointer;
  private boolean readLockHeld;
  private boolean barrierHeld;

  private SqliteSession(Connection reader, Connection barrier, Connection checkpointer) {
    this.reader = reader;
    this.barrier = barrier;
    this.checkpointer = checkpointer;
  }

  /**
   * Opens the connections, switches the database to WAL mode, creates Litestream's helper tables
   * and takes the read lock.
   */
  static SqliteSession open(Path db, Duration busyTimeout) throws IOException {
    Connection r = null;
    Connection b = null;
    Connection c = null;
    try {
      c = connect(db, busyTimeout);
      checkVersion(c);
      try (Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = wal")) {
          String mode = rs.next() ? rs.getString(1) : "";
          if (!"wal".equalsIgnoreCase(mode)) {
            throw new IOException("cannot switch " + db + " to WAL mode (journal_mode is '" + mode
                + "'); litestream4j replicates WAL-mode databases only");
          }
        }
        st.execute("CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)");
        st.execute("CREATE TABLE IF NOT EXISTS _litestream_lock (id INTEGER)");
      }
      r = connect(db, busyTimeout);
      r.setAutoCommit(false);
      b = connect(db, busyTimeout);
      b.setAutoCommit(false);
      SqliteSession s = new SqliteSession(r, b, c);
      s.acquireReadLock();
      return s;
    } catch (SQLException e) {
      closeQuietly(r);
      closeQuietly(b);
      closeQuietly(c);
      throw new IOException("cannot open " + db + " for replication: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(r);
      closeQuietly(b);
      closeQuietly(c);
      throw e;
    }
  }

  private static Connection connect(Path db, Duration busyTimeout) throws SQLException {
    Properties p = new Properties();
    p.setProperty("busy_timeout", Long.toString(busyTimeout.toMillis()));
    Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), p);
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
      st.execute("PRAGMA wal_autocheckpoint = 0");
    }
    return conn;
  }

  private static void checkVersion(Connection c) throws SQLException, IOException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT sqlite_version()")) {
      rs.next();
      String v = rs.getString(1);
      if (compareVersions(v, MIN_SQLITE_VERSION) < 0) {
        throw new IOException("embedded SQLite " + v + " is older than " + MIN_SQLITE_VERSION
            + " (WAL-reset corruption race); upgrade org.xerial:sqlite-jdbc");
      }
    }
  }

  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int xi = i < x.length ? Integer.parseInt(x[i].replaceAll("\\D.*", "")) : 0;
      int yi = i < y.length ? Integer.parseInt(y[i].replaceAll("\\D.*", "")) : 0;
      if (xi != yi) {
        return Integer.compare(xi, yi);
      }
    }
    return 0;
  }

  int pageSize() throws IOException {
    try (Statement st = checkpointer.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA page_size")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IOException("cannot read page size: " + e.getMessage(), e);
    }
  }

  /** Starts the long-running read transaction (a no-op when it is already held). */
  void acquireReadLock() throws IOException {
    if (readLockHeld) {
      return;
    }
    try (Statement st = reader.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(1) FROM _litestream_seq")) {
      rs.next();
      readLockHeld = true;
    } catch (SQLException e) {
      rollbackQuietly(reader);
      throw new IOException("cannot take the replication read lock: " + e.getMessage(), e);
    }
  }

  void releaseReadLock() throws IOException {
    if (!readLockHeld) {
      return;
    }
    readLockHeld = false;
    try {
      reader.rollback();
    } catch (SQLException e) {
      throw new IOException("cannot release the replication read lock: " + e.getMessage(), e);
    }
  }

  /** Ends the read transaction and starts a new one on the current end of the WAL. */
  void refreshReadLock() throws IOException {
    releaseReadLock();
    acquireReadLock();
  }

  /**
   * Takes SQLite's write lock, waiting up to the busy timeout for the application's writer.
   *
   * @return false when the application kept the lock for longer than the busy timeout
   */
  boolean tryAcquireBarrier() throws IOException {
    if (barrierHeld) {
      return true;
    }
    try (Statement st = barrier.createStatement()) {
      st.execute("INSERT INTO _litestream_lock (id) VALUES (1)");
      barrierHeld = true;
      return true;
    } catch (SQLException e) {
      rollbackQuietly(barrier);
      if (isBusy(e)) {
        return false;
      }
      throw new IOException("cannot take the write barrier: " + e.getMessage(), e);
    }
  }

  void releaseBarrier() throws IOException {
    if (!barrierHeld) {
      return;
    }
    barrierHeld = false;
    try {
      barrier.rollback();
    } catch (SQLException e) {
      throw new IOException("cannot release the write barrier: " + e.getMessage(), e);
    }
  }

  /** Result of {@code PRAGMA wal_checkpoint}: busy flag, frames in the WAL, frames backfilled. */
  record CheckpointResult(boolean busy, int logFrames, int checkpointedFrames) {
    boolean complete() {
      return !busy && logFrames >= 0 && logFrames == checkpointedFrames;
    }
  }

  /** Called after every checkpoint with its mode, duration and whether it succeeded (for metrics). */
  interface CheckpointObserver {
    void checkpointed(CheckpointMode mode, long nanos, boolean ok);
  }

  private volatile CheckpointObserver checkpointObserver = (mode, nanos, ok) -> { };

  void observeCheckpoints(CheckpointObserver observer) {
    this.checkpointObserver = observer;
  }

  CheckpointResult checkpoint(CheckpointMode mode) throws IOException {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      CheckpointResult r = runCheckpoint(mode);
      ok = true;
      return r;
    } finally {
      checkpointObserver.checkpointed(mode, System.nanoTime() - start, ok);
    }
  }

  private CheckpointResult runCheckpoint(CheckpointMode mode) throws IOException {
    try (Statement st = checkpointer.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode.name() + ")")) {
      rs.next();
      return new CheckpointResult(rs.getInt(1) != 0, rs.getInt(2), rs.getInt(3));
    } catch (SQLException e) {
      if (isBusy(e)) {
        return new CheckpointResult(true, -1, -1);
      }
      throw new IOException("checkpoint(" + mode + ") failed: " + e.getMessage(), e);
    }
  }

  private static boolean isBusy(SQLException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("SQLITE_BUSY") || m.contains("database is locked");
  }

  @Override
  public void close() {
    try {
      releaseBarrier();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      releaseReadLock();
    } catch (IOException ignored) {
      // closing anyway
    }
    closeQuietly(reader);
    closeQuietly(barrier);
    closeQuietly(checkpointer);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is unusable or has no transaction; nothing to undo
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // best effort on the way out
      }
    }
  }
}
