package io.litestream4j.bench;

import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * Commits one row per slot at a fixed rate (open loop: slot {@code i} is due at {@code start + i /
 * rate} whatever happened before, so a stall shows up as late commits instead of silently lowering
 * the rate), recording when each commit returned and how long it took.
 */
final class PacedWriter {
  private PacedWriter() {}

  /**
   * @param commitNanos System.nanoTime when commit {@code i} returned
   * @param serviceMs time the insert+commit call took
   * @param responseMs time from the slot being due until the commit returned (includes queueing
   *     behind a stalled earlier commit)
   */
  record Run(long startNanos, long[] commitNanos, double[] serviceMs, double[] responseMs) {}

  static Run run(AppDb app, long firstSeq, int count, int ratePerSecond, int payloadBytes)
      throws SQLException {
    long period = 1_000_000_000L / ratePerSecond;
    long[] commits = new long[count];
    double[] service = new double[count];
    double[] response = new double[count];
    long start = System.nanoTime() + 1_000_000;
    for (int i = 0; i < count; i++) {
      long due = start + i * period;
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      long before = System.nanoTime();
      app.insert(firstSeq + i, payloadBytes);
      long after = System.nanoTime();
      commits[i] = after;
      service[i] = (after - before) / 1e6;
      response[i] = (after - due) / 1e6;
    }
    return new Run(start, commits, service, response);
  }
}
