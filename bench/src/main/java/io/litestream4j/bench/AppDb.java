package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The application side of every benchmark: one JDBC connection to a database in WAL mode with
 * {@code synchronous=NORMAL} (the setting Litestream recommends) and the default autocheckpoint,
 * writing rows {@code (seq, t_ns, payload)} to table {@code t}. One instance per thread.
 */
final class AppDb implements AutoCloseable {
  static final int PAGE_SIZE = 4096;

  private final Path path;
  private final Connection conn;
  private final PreparedStatement insert;
  private final Payloads payloads;

  private AppDb(Path path, long seed) throws SQLException {
    this.path = path;
    this.conn = DriverManager.getConnection("jdbc:sqlite:" + path);
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA busy_timeout=10000");
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=NORMAL");
    }
    this.insert = conn.prepareStatement("INSERT INTO t(seq, t_ns, payload) VALUES (?, ?, ?)");
    this.payloads = new Payloads(seed);
  }

  /**
   * Creates the database file with the benchmark table (and page size) if it does not exist yet.
   */
  static void create(Path path) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA page_size=" + PAGE_SIZE);
      st.execute("PRAGMA journal_mode=WAL");
      st.execute(
          "CREATE TABLE IF NOT EXISTS t(seq INTEGER PRIMARY KEY, t_ns INTEGER NOT NULL, payload BLOB NOT NULL)");
    }
  }

  static AppDb open(Path path, long seed) throws SQLException {
    create(path);
    return new AppDb(path, seed);
  }

  Path path() {
    return path;
  }

  /**
   * Inserts one row in its own transaction (autocommit) and returns when SQLite has committed it.
   * {@code seq <= 0} lets SQLite choose the key (concurrent writers).
   */
  void insert(long seq, int payloadBytes) throws SQLException {
    if (seq > 0) {
      insert.setLong(1, seq);
    } else {
      insert.setNull(1, java.sql.Types.INTEGER);
    }
    insert.setLong(2, System.nanoTime());
    insert.setBytes(3, payloads.row(Math.max(seq, 0), payloadBytes));
    insert.executeUpdate();
  }

  /** Inserts {@code rows} rows numbered from {@code firstSeq} in one transaction. */
  void insertBatch(long firstSeq, int rows, int payloadBytes) throws SQLException {
    conn.setAutoCommit(false);
    try {
      for (int i = 0; i < rows; i++) {
        insert.setLong(1, firstSeq + i);
        insert.setLong(2, System.nanoTime());
        insert.setBytes(3, payloads.row(firstSeq + i, payloadBytes));
        insert.addBatch();
      }
      insert.executeBatch();
      conn.commit();
    } finally {
      conn.setAutoCommit(true);
    }
  }

  /**
   * Grows the database with 1 KB rows until its file holds at least {@code bytes}, then checkpoints
   * so the data is in the main file and the WAL is empty.
   */
  long fillTo(long bytes) throws SQLException {
    return fillTo(bytes, 2000);
  }

  /**
   * {@link #fillTo(long)} in transactions of {@code batchRows} rows (small databases: few rows).
   */
  long fillTo(long bytes, int batchRows) throws SQLException {
    long seq = maxSeq() + 1;
    while (sizeBytes() < bytes) {
      insertBatch(seq, batchRows, 1024);
      seq += batchRows;
    }
    checkpointTruncate();
    return seq - 1;
  }

  long sizeBytes() throws SQLException {
    return queryLong("PRAGMA page_count") * queryLong("PRAGMA page_size");
  }

  long maxSeq() throws SQLException {
    return queryLong("SELECT coalesce(max(seq), 0) FROM t");
  }

  void checkpointTruncate() throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }

  void execute(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  private long queryLong(String sql) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public void close() throws SQLException {
    insert.close();
    conn.close();
  }

  /**
   * SHA-256 over every row of {@code t} in key order: two databases with the same digest hold the
   * same benchmark data, whatever their page layout (Litestream 0.3 restores are compared this way,
   * since its own bookkeeping tables make the files differ).
   */
  static String contentDigest(Path db) throws SQLException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT seq, t_ns, payload FROM t ORDER BY seq")) {
      java.nio.ByteBuffer row = java.nio.ByteBuffer.allocate(16);
      while (rs.next()) {
        row.clear();
        row.putLong(rs.getLong(1)).putLong(rs.getLong(2));
        md.update(row.array());
        md.update(rs.getBytes(3));
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * {@code PRAGMA integrity_check} (or {@code quick_check}) result; "ok" when the file is sound.
   */
  static String integrityCheck(Path db, boolean quick) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(quick ? "PRAGMA quick_check" : "PRAGMA integrity_check")) {
      StringBuilder sb = new StringBuilder();
      while (rs.next()) {
        sb.append(sb.isEmpty() ? "" : "; ").append(rs.getString(1));
      }
      return sb.toString();
    }
  }

  /**
   * Copies a database file that has no WAL content (after {@link #checkpointTruncate}) and fsyncs
   * the copy, so that writing back the copy's dirty pages is not charged to whatever the benchmark
   * does next (the first checkpoint's fsync would otherwise flush the whole copy).
   */
  static void copyDatabase(Path from, Path to) throws IOException {
    Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (java.nio.channels.FileChannel ch =
        java.nio.channels.FileChannel.open(to, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
