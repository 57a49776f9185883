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
 * <p>Four connections, each with one job, so that no lock taken by one can get in the way of
 * another:
 *
 * <ul>
 *   <li>two <b>readers</b> take turns holding a long-running read transaction. While one is held no
 *       other connection can restart or truncate the WAL past frames the replicator has not seen
 *       (a reader on a non-zero read mark blocks WAL restarts; a reader on read mark 0 blocks every
 *       backfill). Moving the read mark forward is a hand-over ({@link #beginHandover()},
 *       {@link #endHandover()}): the second reader starts its transaction before the first ends
 *       its own, so there is never a moment without one. Every moment without a read transaction
 *       outside the write barrier is counted ({@link #gaps()}).
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

  private final Connection[] readers;
  private final Connection barrier;
  private final Connection checkpointer;
  private final Duration busyTimeout;
  /** Index of the reader whose transaction guards the WAL, -1 when none is held. */
  private int current = -1;
  /** Index of the reader being handed over from, -1 outside a hand-over. */
  private int older = -1;
  private long gaps;
  private boolean barrierHeld;

  private SqliteSession(
      Connection reader1, Connection reader2, Connection barrier, Connection checkpointer, Duration busyTimeout) {
    this.busyTimeout = busyTimeout;
    this.readers = new Connection[] {reader1, reader2};
    this.barrier = barrier;
    this.checkpointer = checkpointer;
  }

  /**
   * Opens the connections, switches the database to WAL mode, creates Litestream's helper tables
   * and takes the read lock.
   */
  static SqliteSession open(Path db, Duration busyTimeout) throws IOException {
    Connection r = null;
    Connection r2 = null;
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
      r2 = connect(db, busyTimeout);
      r2.setAutoCommit(false);
      b = connect(db, busyTimeout);
      b.setAutoCommit(false);
      SqliteSession s = new SqliteSession(r, r2, b, c, busyTimeout);
      s.acquireReadLock();
      return s;
    } catch (SQLException e) {
      closeQuietly(r);
      closeQuietly(r2);
      closeQuietly(b);
      closeQuietly(c);
      throw new IOException("cannot open " + db + " for replication: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(r);
      closeQuietly(r2);
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
    if (current >= 0) {
      return;
    }
    beginRead(readers[0]);
    current = 0;
  }

  /** True while a read transaction is held. */
  boolean readLockHeld() {
    return current >= 0;
  }

  /**
   * Ends the read transaction(s). Unless the write barrier is held (no writer can then restart
   * the WAL), the moment without one is counted as a gap.
   */
  void releaseReadLock() throws IOException {
    if (current < 0) {
      return;
    }
    if (!barrierHeld) {
      gaps++;
    }
    int was = current;
    current = -1;
    try {
      endHandover();
    } finally {
      endRead(readers[was]);
    }
  }

  /**
   * Starts a read transaction on the current end of the WAL while the present one is still held.
   * The caller syncs up to at least that end before {@link #endHandover()} lets the older read
   * mark go, so the WAL is never unguarded and never guarded by a mark past what was synced.
   */
  void beginHandover() throws IOException {
    if (current < 0) {
      acquireReadLock();
      return;
    }
    endHandover();
    int next = 1 - current;
    beginRead(readers[next]);
    older = current;
    current = next;
  }

  /** Ends the older read transaction of a hand-over (a no-op outside one). */
  void endHandover() throws IOException {
    if (older < 0) {
      return;
    }
    int was = older;
    older = -1;
    endRead(readers[was]);
  }

  /** Moments so far without a read transaction outside the write barrier. */
  long gaps() {
    return gaps;
  }

  private static void beginRead(Connection reader) throws IOException {
    try (Statement st = reader.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(1) FROM _litestream_seq")) {
      rs.next();
    } catch (SQLException e) {
      rollbackQuietly(reader);
      throw new IOException("cannot take the replication read lock: " + e.getMessage(), e);
    }
  }

  private static void endRead(Connection reader) throws IOException {
    try {
      reader.rollback();
    } catch (SQLException e) {
      throw new IOException("cannot release the replication read lock: " + e.getMessage(), e);
    }
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

  /**
   * A checkpoint that never waits for a lock (busy timeout 0 for its duration): a TRUNCATE
   * checkpoint holds SQLite's write lock while it waits, which would stall the application's
   * writers for up to the busy timeout.
   */
  CheckpointResult checkpointWithoutWaiting(CheckpointMode mode) throws IOException {
    setBusyTimeout(0);
    try {
      return checkpoint(mode);
    } finally {
      setBusyTimeout(busyTimeout.toMillis());
    }
  }

  private void setBusyTimeout(long millis) throws IOException {
    try (Statement st = checkpointer.createStatement()) {
      st.execute("PRAGMA busy_timeout = " + millis);
    } catch (SQLException e) {
      throw new IOException("cannot set the busy timeout: " + e.getMessage(), e);
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
    closeQuietly(readers[0]);
    closeQuietly(readers[1]);
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
