package io.litestream4j.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Min / median / max of one figure over repeated runs: the only way a figure is reported, because
 * on a shared, noisy machine a single run says little. {@code n} is the number of runs.
 */
record Spread(double min, double median, double max, int n) {

  static Spread of(Collection<Double> values) {
    return of(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * The spread of per-round ratios {@code numerators[i] / denominators[i]}, pairing the i-th value
   * of each list (rounds beyond the shorter list are left out).
   */
  static Spread ofPairRatios(List<Double> numerators, List<Double> denominators) {
    int n = Math.min(numerators.size(), denominators.size());
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = numerators.get(i) / denominators.get(i);
    }
    return of(r);
  }

  static Spread of(double... values) {
    if (values.length == 0) {
      return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return new Spread(v[0], median, v[n - 1], n);
  }

  boolean isEmpty() {
    return n == 0;
  }

  Spread map(DoubleUnaryOperator f) {
    return new Spread(f.applyAsDouble(min), f.applyAsDouble(median), f.applyAsDouble(max), n);
  }

  /** "median (min – max)" with {@code decimals} digits, or "—" when there were no runs. */
  String format(int decimals) {
    if (isEmpty()) {
      return "—";
    }
    String f = "%." + decimals + "f";
    if (n == 1) {
      return String.format(f, median);
    }
    return String.format(f + " (" + f + " – " + f + ")", median, min, max);
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("min", min);
    m.put("median", median);
    m.put("max", max);
    m.put("n", n);
    return m;
  }
}
