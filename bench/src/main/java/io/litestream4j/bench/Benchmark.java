package io.litestream4j.bench;

/**
 * One of P1..P7: runs its workload side by side with its baselines and reports a {@link Section}.
 */
interface Benchmark {
  String id();

  String title();

  Section run(Context ctx) throws Exception;
}
