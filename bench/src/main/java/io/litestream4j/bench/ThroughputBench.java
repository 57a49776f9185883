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
 * window into a fresh database; with replication, litestream4j (defaults) or Litestream 0.3.13
 * runs as its own process and has finished its initial snapshot before the window opens. The
 * variants rotate within each round and ratios to plain SQLite are taken within the round.
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
    List<Optional<Replicator>> variants = new ArrayList<>();
    variants.add(Optional.empty());
    variants.add(Optional.of(Replicator.Ours.defaults(ctx.tools().ours())));
    ctx.tools().peer().ifPresent(p -> variants.add(Optional.of(new Replicator.Peer(p))));
    // variant id -> writer threads -> runs
    Map<String, Map<Integer, List<Trial>>> trials = new LinkedHashMap<>();
    for (Optional<Replicator> v : variants) {
      Map<Integer, List<Trial>> byThreads = new LinkedHashMap<>();
      for (int threads : THREADS) {
        byThreads.put(threads, new ArrayList<>());
      }
      trials.put(variantId(v), byThreads);
    }
    for (int round = 0; round < plan.throughputRounds(); round++) {
      for (int threads : THREADS) {
        for (int k = 0; k < variants.size(); k++) {
          Optional<Replicator> v = variants.get((k + round) % variants.size());
          Trial t = trial(ctx, threads, v);
          trials.get(variantId(v)).get(threads).add(t);
          ctx.progress("P2 round %d %d thread(s) %-18s %8.0f commits/s", round + 1, threads, variantId(v),
              t.commitsPerSecond);
        }
      }
    }
    return report(ctx, variants, trials);
  }

  private static String variantId(Optional<Replicator> v) {
    return v.map(Replicator::id).orElse("plain");
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

  private Section report(Context ctx, List<Optional<Replicator>> variants,
      Map<String, Map<Integer, List<Trial>>> trials) {
    StringBuilder md = new StringBuilder();
    md.append(String.format("1 KB rows, one row per transaction (autocommit), WAL mode, synchronous=NORMAL, "
        + "%d s per run, %d rounds, variants in rotating order; replicators run as separate processes with their "
        + "defaults and have finished their initial snapshot before the window opens.%n%n",
        ctx.plan().throughputWindow().toSeconds(), ctx.plan().throughputRounds()));
    md.append("| writers | variant | commits/s | ratio to plain SQLite (same round) | replicator CPU ms per 1000 commits |\n");
    md.append("|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    List<Check> checks = new ArrayList<>();
    for (int threads : THREADS) {
      List<Trial> plain = trials.get("plain").get(threads);
      Map<String, Object> jt = new LinkedHashMap<>();
      for (Optional<Replicator> v : variants) {
        String id = variantId(v);
        List<Trial> ts = trials.get(id).get(threads);
        Spread rate = Spread.of(ts.stream().map(Trial::commitsPerSecond).toList());
        Spread ratio = ratio(ts, plain);
        Spread cpu = Spread.of(ts.stream().map(Trial::replicatorCpuMsPer1k).filter(d -> !d.isNaN()).toList());
        md.append(String.format("| %d | %s | %s | %s | %s |%n", threads, v.map(Replicator::label).orElse("plain SQLite"),
            rate.format(0), v.isEmpty() ? "1" : ratio.format(3), v.isEmpty() ? "—" : cpu.format(1)));
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("commits_per_s", rate.toJson());
        if (v.isPresent()) {
          j.put("ratio_to_plain", ratio.toJson());
          j.put("replicator_cpu_ms_per_1000_commits", cpu.toJson());
        }
        jt.put(id, j);
        if (v.isPresent() && v.get() instanceof Replicator.Ours) {
          checks.add(new Check("P2", "throughput with / without replication, " + threads + " writer(s), 1 KB rows",
              ratio.format(3), ">= 0.95", Check.Verdict.of(ratio.median() >= 0.95), "same-round pairs"));
        }
      }
      json.put(threads + "_writers", jt);
    }
    md.append("""

        The machine has 2 cores shared by the writers, the replicator and (in CI) other jobs: the \
        replicator's CPU time is taken from the writers, which is part of the cost these ratios show.
        """);
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }

  /** Per-round ratio of commit rates a / b. */
  private static Spread ratio(List<Trial> a, List<Trial> b) {
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      r.add(a.get(i).commitsPerSecond / b.get(i).commitsPerSecond);
    }
    return Spread.of(r);
  }
}
