package io.litestream4j.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The source application of the follower tests: accounts whose balances always sum to the same
 * total, changed only by transfers (each one SQLite transaction), plus a growing ledger and a
 * sequence number per transfer whose commit time is recorded, so a reader can check that it never
 * sees half a transfer and a follower's lag can be measured commit by commit.
 */
public final class Bank implements AutoCloseable {
  public static final int ACCOUNTS = 50;
  public static final long TOTAL = ACCOUNTS * 1000L;

  private final Connection app;
  private final Random rnd;
  private final AtomicLong seq = new AtomicLong();
  private final ConcurrentMap<Long, Long> committedAtNanos = new ConcurrentHashMap<>();

  public Bank(Path db, long seed) throws SQLException {
    this.app = DriverManager.getConnection("jdbc:sqlite:" + db);
    this.rnd = new Random(seed);
    try (Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA busy_timeout=10000");
      st.execute(
          "CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
      st.execute(
          "CREATE TABLE IF NOT EXISTS ledger (seq INTEGER PRIMARY KEY, src INTEGER, dst INTEGER, amount INTEGER,"
              + " memo BLOB)");
      try (ResultSet r =
          st.executeQuery(
              "SELECT count(*), coalesce(max(seq), 0) FROM accounts, "
                  + "(SELECT max(seq) AS seq FROM ledger)")) {
        r.next();
        if (r.getInt(1) == 0) {
          st.execute("BEGIN");
          for (int i = 1; i <= ACCOUNTS; i++) {
            st.execute("INSERT INTO accounts VALUES (" + i + ", 1000)");
          }
          st.execute("COMMIT");
        } else {
          seq.set(r.getLong(2));
        }
      }
    }
  }

  /** One transfer as one transaction; returns its sequence number. */
  public long transfer() throws SQLException {
    int a = 1 + rnd.nextInt(ACCOUNTS);
    int b = 1 + rnd.nextInt(ACCOUNTS);
    int amount = 1 + rnd.nextInt(100);
    long s = seq.incrementAndGet();
    int memo = rnd.nextInt(10) == 0 ? 3000 : 40; // now and then a row that spans pages
    try (Statement st = app.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      st.execute("UPDATE accounts SET balance = balance - " + amount + " WHERE id = " + a);
      st.execute("UPDATE accounts SET balance = balance + " + amount + " WHERE id = " + b);
      st.execute(
          "INSERT INTO ledger VALUES ("
              + s
              + ", "
              + a
              + ", "
              + b
              + ", "
              + amount
              + ", randomblob("
              + memo
              + "))");
      if (s % 200 == 0) {
        st.execute(
            "DELETE FROM ledger WHERE seq < " + (s - 150)); // free pages, shrink now and then
      }
      st.execute("COMMIT");
    }
    committedAtNanos.put(s, System.nanoTime());
    return s;
  }

  public long lastSeq() {
    return seq.get();
  }

  /** When transfer {@code s} committed (System.nanoTime), if it was recorded. */
  public Long committedAt(long s) {
    return committedAtNanos.get(s);
  }

  public Connection connection() {
    return app;
  }

  @Override
  public void close() throws SQLException {
    app.close();
  }
}
