package io.litestream4j.bench;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * P2: application write throughput with and without replication. 1 or 4 writer threads (one
 * connection each) insert 1 KB rows, one row per transaction, as fast as they can for a fixed
 * window into a fresh database; with replication, litestream4j (defaults) runs as its own process
 * and has finished its initial snapshot before the window opens. Runs with and without
 * alternate, and the ratio is taken within each round.
 */
final class ThroughputBench implements Benchmark {
  private static final int ROW = 1024;
  private static final int[] THREADS = {1, 4};

  @Override
  public String id() {
    return "P2";
  }

  @Override
  public String title() {
    return "Application write throughput, with / without replication";
  }

  private record Trial(double commitsPerSecond, double replicatorCpuMsPer1k) {}

  @Override
  public Section run(Context ctx) throws Exception {
    Plan plan = ctx.plan();
    Replicator ours = Replicator.Ours.defaults(ctx.tools().ours());
    Map<Integer, List<Trial>> plain = new LinkedHashMap<>();
    Map<Integer, List<Trial>> with = new LinkedHashMap<>();
    for (int threads : THREADS) {
      plain.put(threads, new ArrayList<>());
      with.put(threads, new ArrayList<>());
    }
    for (int round = 0; round < plan.throughputRounds(); round++) {
      for (int threads : THREADS) {
        boolean replicatedFirst = round % 2 == 1;
        for (int k = 0; k < 2; k++) {
          boolean replicated = (k == 0) == replicatedFirst;
          Trial t = trial(ctx, threads, replicated ? Optional.of(ours) : Optional.empty());
          (replicated ? with : plain).get(threads).add(t);
          ctx.progress("P2 round %d %d thread(s) %-12s %8.0f commits/s", round + 1, threads,
              replicated ? "replicated" : "plain", t.commitsPerSecond);
        }
      }
    }
    return report(ctx, plain, with);
  }

  private Trial trial(Context ctx, int threads, Optional<Replicator> replicator) throws Exception {
    Path dir = ctx.newDir("p2");
    Target target = new Target(dir.resolve("app.db"), dir.resolve("replica"));
    try (AppDb seed = AppDb.open(target.db(), 0)) {
      seed.insert(-1, ROW);
    }
    Child child = null;
    try {
      if (replicator.isPresent()) {
        child = replicator.get().start(ctx, List.of(target), dir);
        replicator.get().awaitSnapshots(child, List.of(target), Duration.ofSeconds(60));
      }
      ProcUsage before = child == null ? null : ProcUsage.read(child.pid());
      long commits = runWriters(target.db(), threads, ctx.plan().throughputWindow());
      double perSecond = commits / (ctx.plan().throughputWindow().toNanos() / 1e9);
      double cpuPer1k = Double.NaN;
      if (child != null) {
        ProcUsage after = ProcUsage.read(child.pid());
        cpuPer1k = after.cpuNanosSince(before) / 1e6 / (commits / 1000.0);
      }
      return new Trial(perSecond, cpuPer1k);
    } finally {
      if (child != null) {
        ctx.stop(child);
      }
    }
  }

  /** Runs {@code threads} writers for {@code window}; returns the commits they completed in it. */
  private static long runWriters(Path db, int threads, Duration window) throws Exception {
    AtomicLong commits = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    long[] deadline = new long[1];
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int id = i;
      workers.add(Thread.ofPlatform().name("bench-writer-" + i).start(() -> {
        try (AppDb app = AppDb.open(db, 100 + id)) {
          ready.countDown();
          go.await();
          long n = 0;
          while (System.nanoTime() < deadline[0]) {
            app.insert(-1, ROW);
            n++;
          }
          commits.addAndGet(n);
        } catch (SQLException | InterruptedException e) {
          failure.compareAndSet(null, e);
          ready.countDown();
        }
      }));
    }
    ready.await();
    deadline[0] = System.nanoTime() + window.toNanos();
    go.countDown();
    for (Thread t : workers) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a writer failed: " + failure.get(), failure.get());
    }
    return commits.get();
  }

  private Section report(Context ctx, Map<Integer, List<Trial>> plain, Map<Integer, List<Trial>> with) {
    StringBuilder md = new StringBuilder();
    md.append(String.format("1 KB rows, one row per transaction (autocommit), WAL mode, synchronous=NORMAL, "
        + "%d s per run, %d rounds; replicated = litestream4j defaults running as a separate process.%n%n",
        ctx.plan().throughputWindow().toSeconds(), ctx.plan().throughputRounds()));
    md.append("| writers | plain SQLite commits/s | replicated commits/s | ratio replicated / plain (same round) | replicator CPU ms per 1000 commits |\n");
    md.append("|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    List<Check> checks = new ArrayList<>();
    for (int threads : plain.keySet()) {
      List<Trial> a = plain.get(threads);
      List<Trial> b = with.get(threads);
      Spread pa = Spread.of(a.stream().map(Trial::commitsPerSecond).toList());
      Spread pb = Spread.of(b.stream().map(Trial::commitsPerSecond).toList());
      List<Double> r = new ArrayList<>();
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        r.add(b.get(i).commitsPerSecond / a.get(i).commitsPerSecond);
      }
      Spread ratio = Spread.of(r);
      Spread cpu = Spread.of(b.stream().map(Trial::replicatorCpuMsPer1k).toList());
      md.append(String.format("| %d | %s | %s | %s | %s |%n", threads, pa.format(0), pb.format(0), ratio.format(3),
          cpu.format(1)));
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("plain_commits_per_s", pa.toJson());
      j.put("replicated_commits_per_s", pb.toJson());
      j.put("ratio", ratio.toJson());
      j.put("replicator_cpu_ms_per_1000_commits", cpu.toJson());
      json.put(threads + "_writers", j);
      checks.add(new Check("P2", "throughput with / without replication, " + threads + " writer(s), 1 KB rows",
          ratio.format(3), ">= 0.95", Check.Verdict.of(ratio.median() >= 0.95), "same-round pairs"));
    }
    md.append("""

        The machine has 2 cores shared by the writers, the replicator and (in CI) other jobs: the \
        replicator's CPU time is taken from the writers, which is exactly the cost this ratio shows.
        """);
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }
}
