package io.litestream4j.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Distribution summary of one run's samples (latencies in milliseconds): nearest-rank percentiles,
 * so a reported p99 is a value that was actually observed.
 */
record Percentiles(
    int count, double p50, double p90, double p99, double p999, double max, double mean) {

  static Percentiles of(double[] samples) {
    if (samples.length == 0) {
      return new Percentiles(
          0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] v = samples.clone();
    Arrays.sort(v);
    return new Percentiles(
        v.length,
        rank(v, 0.50),
        rank(v, 0.90),
        rank(v, 0.99),
        rank(v, 0.999),
        v[v.length - 1],
        Arrays.stream(v).average().orElse(Double.NaN));
  }

  private static double rank(double[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("p50", p50);
    m.put("p90", p90);
    m.put("p99", p99);
    m.put("p999", p999);
    m.put("max", max);
    m.put("mean", mean);
    return m;
  }
}
