package io.litestream4j.bench;

import java.util.List;

/**
 * Turns commit times and replica arrivals into one lag per committed row: the lag of row {@code s}
 * is the time from its commit returning to the application until the first arrival that covers it
 * (an arrival with a stamp {@code >= s}). Rows never covered are counted as missing.
 *
 * @param lagsMs lag of each covered row, in commit order
 * @param missing rows committed but not seen in the replica before the probe stopped
 * @param byRescan lags measured from arrivals found by the fallback rescan (found by a rescan that
 *     ran before the notification was handled, or late by up to 1 s)
 */
record LagSamples(double[] lagsMs, int missing, int byRescan) {

  /**
   * @param commitNanos System.nanoTime after each commit, indexed by row stamp
   * @param first first stamp to measure (rows before it were warm-up)
   * @param last last stamp written
   */
  static LagSamples of(
      long[] commitNanos, long first, long last, List<ReplicaProbe.Arrival> arrivals) {
    double[] lags = new double[(int) (last - first + 1)];
    int n = 0;
    int rescanned = 0;
    int a = 0;
    for (long s = first; s <= last; s++) {
      while (a < arrivals.size() && arrivals.get(a).seq() < s) {
        a++;
      }
      if (a == arrivals.size()) {
        break;
      }
      ReplicaProbe.Arrival hit = arrivals.get(a);
      lags[n++] = (hit.nanos() - commitNanos[(int) s]) / 1e6;
      if (hit.byRescan()) {
        rescanned++;
      }
    }
    return new LagSamples(java.util.Arrays.copyOf(lags, n), lags.length - n, rescanned);
  }
}
