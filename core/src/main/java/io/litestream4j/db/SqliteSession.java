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
import org.jspecify.annotations.Nullable;

/**
 * The replicator's own SQLite connections to one database, and the locks it takes through them.
 *
 * <p>An idle database holds <b>one</b> connection: the reader whose long-running read transaction
 * guards the WAL. While it is held no other connection can restart or truncate the WAL past frames
 * the replicator has not seen (a reader on a non-zero read mark blocks WAL restarts; a reader on
 * read mark 0 blocks every backfill). Only a checkpoint needs a second connection, the
 * <b>spare</b>, opened for it and closed by {@link #closeSpare()} afterwards (each SQLite
 * connection costs about 100 KiB of native memory, and one process may replicate thousands of
 * databases). The two take these roles in turn:
 *
 * <ul>
 *   <li>moving the read mark forward is a hand-over ({@link #beginHandover()}, {@link
 *       #endHandover()}): the spare starts its read transaction before the current reader ends its
 *       own, so there is never a moment without one; the spare is then the reader. Every moment
 *       without a read transaction outside the write barrier is counted ({@link #gaps()});
 *   <li>the connection that is not the reader takes the write <b>barrier</b> (an insert into {@code
 *       _litestream_lock} that is always rolled back) so the WAL cannot grow while the replicator
 *       seals it before a checkpoint, and runs {@code PRAGMA wal_checkpoint}; under the barrier the
 *       reader lets its transaction go and runs the checkpoint itself.
 * </ul>
 *
 * <p>Closing the spare never costs the reader its locks: SQLite keeps the locks of a file per
 * process and inode, and while another connection of this process holds one it does not close the
 * descriptor of a closed connection (it keeps it for the next connection to the same file), so no
 * POSIX lock is dropped ({@code IdleConnectionTest} checks it against {@code /proc/locks}).
 *
 * <p>All connections use {@code wal_autocheckpoint=0}: only the replicator's explicit checkpoints
 * (and the application's own) ever move pages from the WAL into the database file. They read little
 * (the schema and a table's root page when a read transaction starts; a checkpoint copies frames
 * without the page cache), so they keep no page cache ({@code cache_size=0}: a page is dropped as
 * soon as it is unpinned, about 70 KiB less per connection than SQLite's initial 20-page block) and
 * no memory map. {@code cache_spill} is off so that the barrier's insert, which is always rolled
 * back, never spills an uncommitted page into the WAL for want of cache.
 *
 * <p>Not thread-safe: owned by the database's sync thread.
 */
final class SqliteSession implements AutoCloseable {
  /** Earlier versions have a WAL-reset corruption race (Litestream issue 1432). */
  static final String MIN_SQLITE_VERSION = "3.51.3";

  /** {@code SQLITE_OPEN_READWRITE}, without {@code SQLITE_OPEN_CREATE}. */
  private static final int SQLITE_OPEN_READWRITE = 0x2;

  private final Path db;
  private final Duration busyTimeout;

  /** Two slots; one is open while idle, both during a checkpoint. */
  private final Connection[] conns = new Connection[2];

  /** Slot whose read transaction guards the WAL, -1 when none is held. */
  private int current = -1;

  /** Slot being handed over from, -1 outside a hand-over. */
  private int older = -1;

  /** Slot of the most recent read transaction: the one kept open when the spare is closed. */
  private int home;

  /** Slot holding the write barrier, -1 when not held. */
  private int barrier = -1;

  private long gaps;
  private long opened;

  private SqliteSession(Path db, Connection first, Duration busyTimeout) {
    this.db = db;
    this.busyTimeout = busyTimeout;
    this.conns[0] = first;
    this.opened = 1;
  }

  /**
   * Opens the first connection, switches the database to WAL mode, creates Litestream's helper
   * tables and takes the read lock on that connection.
   */
  static SqliteSession open(Path db, Duration busyTimeout) throws IOException {
    Connection c = null;
    try {
      c = connect(db, busyTimeout);
      checkVersion(c);
      try (Statement st = c.createStatement()) {
        try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = wal")) {
          String mode = rs.next() ? rs.getString(1) : "";
          if (!"wal".equalsIgnoreCase(mode)) {
            throw new IOException(
                "cannot switch "
                    + db
                    + " to WAL mode (journal_mode is '"
                    + mode
                    + "'); litestream4j replicates WAL-mode databases only");
          }
        }
        st.execute(
            "CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)");
        st.execute("CREATE TABLE IF NOT EXISTS _litestream_lock (id INTEGER)");
      }
      c.setAutoCommit(false);
      SqliteSession s = new SqliteSession(db, c, busyTimeout);
      s.acquireReadLock();
      return s;
    } catch (SQLException e) {
      closeQuietly(c);
      throw new IOException("cannot open " + db + " for replication: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private static Connection connect(Path db, Duration busyTimeout) throws SQLException {
    Properties p = new Properties();
    p.setProperty("busy_timeout", Long.toString(busyTimeout.toMillis()));
    // Read-write without create: a database the application deletes between our existence check
    // and this open must not come back as an empty file made by the replicator.
    p.setProperty("open_mode", Integer.toString(SQLITE_OPEN_READWRITE));
    Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), p);
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
      st.execute("PRAGMA wal_autocheckpoint = 0");
      st.execute("PRAGMA cache_size = 0");
      st.execute("PRAGMA cache_spill = false");
      st.execute("PRAGMA mmap_size = 0");
    } catch (SQLException e) {
      closeQuietly(conn);
      throw e;
    }
    return conn;
  }

  /**
   * The connection in {@code slot}, opened (in a deferred transaction, reading nothing) if needed.
   */
  private Connection conn(int slot) throws IOException {
    if (conns[slot] == null) {
      try {
        Connection c = connect(db, busyTimeout);
        c.setAutoCommit(false);
        conns[slot] = c;
        opened++;
      } catch (SQLException e) {
        throw new IOException("cannot open a connection to " + db + ": " + e.getMessage(), e);
      }
    }
    return conns[slot];
  }

  /** SQLite connections open now: 1 while idle, 2 during a checkpoint. */
  int openConnections() {
    return (conns[0] != null ? 1 : 0) + (conns[1] != null ? 1 : 0);
  }

  /** Connections opened since this session began (the first one included). */
  long connectionsOpened() {
    return opened;
  }

  /**
   * Closes the connection that holds neither the read transaction nor the barrier, if any: called
   * after a checkpoint, so that an idle database keeps one connection.
   */
  void closeSpare() {
    if (older >= 0 || barrier >= 0) {
      return;
    }
    int keep = current >= 0 ? current : home;
    int spare = 1 - keep;
    if (conns[spare] != null && conns[keep] != null) {
      closeQuietly(conns[spare]);
      conns[spare] = null;
    }
  }

  private static void checkVersion(Connection c) throws SQLException, IOException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sqlite_version()")) {
      rs.next();
      String v = rs.getString(1);
      if (compareVersions(v, MIN_SQLITE_VERSION) < 0) {
        throw new IOException(
            "embedded SQLite "
                + v
                + " is older than "
                + MIN_SQLITE_VERSION
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
    try (Statement st = conn(current >= 0 ? current : home).createStatement();
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
    int slot = conns[home] != null && barrier != home ? home : 1 - home;
    beginRead(conn(slot));
    current = slot;
    home = slot;
  }

  /** True while a read transaction is held. */
  boolean readLockHeld() {
    return current >= 0;
  }

  /**
   * Ends the read transaction(s). Unless the write barrier is held (no writer can then restart the
   * WAL), the moment without one is counted as a gap. The connection stays open.
   */
  void releaseReadLock() throws IOException {
    if (current < 0) {
      return;
    }
    if (barrier < 0) {
      gaps++;
    }
    int was = current;
    current = -1;
    try {
      endHandover();
    } finally {
      endRead(conns[was]);
    }
  }

  /**
   * Starts a read transaction on the current end of the WAL, on the spare connection, while the
   * present one is still held. The caller syncs up to at least that end before {@link
   * #endHandover()} lets the older read mark go, so the WAL is never unguarded and never guarded by
   * a mark past what was synced.
   */
  void beginHandover() throws IOException {
    if (current < 0) {
      acquireReadLock();
      return;
    }
    endHandover();
    int next = 1 - current;
    beginRead(conn(next));
    older = current;
    current = next;
    home = next;
  }

  /** Ends the older read transaction of a hand-over (a no-op outside one). */
  void endHandover() throws IOException {
    if (older < 0) {
      return;
    }
    int was = older;
    older = -1;
    endRead(conns[was]);
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

  /** The slot of a connection with no transaction of its own (opened if needed). */
  private int freeSlot() throws IOException {
    if (older >= 0) {
      throw new IllegalStateException("both connections are reading (hand-over not ended)");
    }
    int slot = current >= 0 ? 1 - current : home;
    conn(slot);
    return slot;
  }

  /**
   * Takes SQLite's write lock on the connection that does not hold the read transaction, waiting up
   * to the busy timeout for the application's writer.
   *
   * @return false when the application kept the lock for longer than the busy timeout
   */
  boolean tryAcquireBarrier() throws IOException {
    if (barrier >= 0) {
      return true;
    }
    int slot = freeSlot();
    Connection c = conns[slot];
    try (Statement st = c.createStatement()) {
      st.execute("INSERT INTO _litestream_lock (id) VALUES (1)");
      barrier = slot;
      return true;
    } catch (SQLException e) {
      rollbackQuietly(c);
      if (isBusy(e)) {
        return false;
      }
      throw new IOException("cannot take the write barrier: " + e.getMessage(), e);
    }
  }

  void releaseBarrier() throws IOException {
    if (barrier < 0) {
      return;
    }
    Connection c = conns[barrier];
    barrier = -1;
    try {
      c.rollback();
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

  /**
   * Called after every checkpoint with its mode, duration and whether it succeeded (for metrics).
   */
  interface CheckpointObserver {
    void checkpointed(CheckpointMode mode, long nanos, boolean ok);
  }

  private volatile CheckpointObserver checkpointObserver = (mode, nanos, ok) -> {};

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
    Connection c = conns[checkpointSlot()];
    setBusyTimeout(c, 0);
    try {
      return checkpoint(mode);
    } finally {
      setBusyTimeout(c, busyTimeout.toMillis());
    }
  }

  /**
   * The connection a checkpoint runs on: one without a transaction of its own (SQLite refuses a
   * checkpoint on a connection that is reading or writing) — the spare, or under the barrier the
   * reader once it has let its read transaction go.
   */
  private int checkpointSlot() throws IOException {
    if (current < 0 && barrier >= 0) {
      return 1 - barrier;
    }
    if (barrier >= 0) {
      throw new IllegalStateException(
          "a checkpoint under the barrier needs the read transaction let go first");
    }
    return freeSlot();
  }

  private void setBusyTimeout(Connection c, long millis) throws IOException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout = " + millis);
    } catch (SQLException e) {
      throw new IOException("cannot set the busy timeout: " + e.getMessage(), e);
    }
  }

  private CheckpointResult runCheckpoint(CheckpointMode mode) throws IOException {
    try (Statement st = conn(checkpointSlot()).createStatement();
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
    closeQuietly(conns[0]);
    closeQuietly(conns[1]);
    conns[0] = null;
    conns[1] = null;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is unusable or has no transaction; nothing to undo
    }
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // best effort on the way out
      }
    }
  }
}
