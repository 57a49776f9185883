package io.litestream4j.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application that keeps committing numbered rows ({@code seq(n, pad)}: 1, 2, 3, ...) on its own
 * thread while a test kills, overlaps or restarts replicators, so the test can check that the
 * replica holds every row up to the last one committed. Every {@code bigEvery}-th row carries a
 * large random pad, the others 300 bytes.
 */
public final class SequenceWriter {
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong committed = new AtomicLong();
  private final Thread thread;

  private SequenceWriter(Connection app, int bigEvery, int bigBytes, Duration pause) {
    this.thread =
        Thread.ofPlatform()
            .name("test-writer")
            .start(
                () -> {
                  try (Statement st = app.createStatement()) {
                    while (!stop.get()) {
                      long n = committed.get() + 1;
                      st.execute(
                          "INSERT INTO seq VALUES ("
                              + n
                              + ", randomblob("
                              + (n % bigEvery == 0 ? bigBytes : 300)
                              + "))");
                      committed.set(n);
                      Thread.sleep(pause.toMillis());
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
  }

  /**
   * Puts {@code app}'s database in WAL mode, creates {@code seq} and starts committing, pausing
   * {@code pause} after each commit.
   */
  public static SequenceWriter start(Connection app, int bigEvery, int bigBytes, Duration pause)
      throws SQLException {
    try (Statement st = app.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("PRAGMA busy_timeout=5000");
      st.execute("CREATE TABLE seq (n INTEGER PRIMARY KEY, pad BLOB)");
    }
    return new SequenceWriter(app, bigEvery, bigBytes, pause);
  }

  /** The last row committed. */
  public long committed() {
    return committed.get();
  }

  /** Asks the writer to stop after its current commit, without waiting. */
  public void requestStop() {
    stop.set(true);
  }

  /** Stops the writer and waits until it has. */
  public void stop() throws InterruptedException {
    requestStop();
    thread.join();
  }
}
