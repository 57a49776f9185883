package io.litestream4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * P2: application write throughput with and without replication. 1 or 4 writer threads (one
 * connection each) insert 1 KB rows, one row per transaction, as fast as they can for a fixed
 * window. For each replicator (litestream4j defaults, Litestream 0.3.13 defaults) two databases are
 * set up in separate directories: one replicated by the replicator running as its own process
 * (initial snapshot done before the first window), one not replicated at all. Windows on the two
 * alternate (A B B A ...) and each ratio is taken within a pair. After a replicated window the next
 * window waits until the replicator has caught up (its CPU use has dropped and one sync interval
 * has passed), so its catch-up work is not charged to the plain run.
 */
final class ThroughputBench implements Benchmark {
  private static final int ROW = 1024;
  private static final int[] THREADS = {1, 4};
  private static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);
  private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();

  @Override
  public String id() {
    return "P2";
  }

  @Override
  public String title() {
    return "Application write throughput, with / without replication";
  }

  /**
   * One pair of windows: plain and replicated, commits per second, the writers' own CPU per commit
   * in each, replicator CPU and catch-up.
   */
  private record Pair(
      double plain,
      double replicated,
      double plainWriterCpuMicros,
      double replicatedWriterCpuMicros,
      double replicatorCpuMsPer1k,
      double catchUpSeconds) {
    double ratio() {
      return replicated / plain;
    }

    /**
     * The writers' CPU per commit, replicated / plain: what the replicator adds to each commit's
     * own work (SQLite's, in the writer threads). Waiting for a core does not count, so on a busy
     * machine this is steadier than the throughput ratio.
     */
    double writerCpuRatio() {
      return replicatedWriterCpuMicros / plainWriterCpuMicros;
    }
  }

  /** What the writers did in one window: commits, and the CPU time of their threads. */
  private record Window(long commits, long writerCpuNanos) {
    double cpuMicrosPerCommit() {
      return writerCpuNanos / 1e3 / Math.max(1, commits);
    }
  }

  @Override
  public Section run(Context ctx) throws Exception {
    List<Replicator> replicators = new ArrayList<>();
    replicators.add(Replicator.Ours.defaults(ctx.tools().ours()));
    ctx.tools().peer().ifPresent(p -> replicators.add(new Replicator.Peer(p)));
    if (System.getenv("P2_LOWLAT") != null) {
      replicators.add(Replicator.Ours.lowLatency(ctx.tools().ours()));
    }
    // replicator id -> writer threads -> pairs
    Map<String, Map<Integer, List<Pair>>> pairs = new LinkedHashMap<>();
    for (Replicator r : replicators) {
      pairs.put(r.id(), new LinkedHashMap<>());
    }
    for (int threads : THREADS) {
      for (Replicator r : replicators) {
        pairs.get(r.id()).put(threads, pairs(ctx, r, threads));
      }
    }
    return report(ctx, replicators, pairs);
  }

  private List<Pair> pairs(Context ctx, Replicator r, int threads) throws Exception {
    Plan plan = ctx.plan();
    Path plainDir = ctx.newDir("p2-plain");
    Path dir = ctx.newDir("p2-" + r.id());
    Path plainDb = plainDir.resolve("app.db");
    Target target = new Target(dir.resolve("app.db"), dir.resolve("replica"));
    for (Path db : List.of(plainDb, target.db())) {
      try (AppDb seed = AppDb.open(db, 0)) {
        seed.insert(-1, ROW);
      }
    }
    List<Pair> out = new ArrayList<>();
    Child child = r.start(ctx, List.of(target), dir);
    try {
      r.awaitSnapshots(child, List.of(target), Duration.ofSeconds(60));
      for (int round = 0; round < plan.throughputRounds(); round++) {
        double plain = 0;
        double replicated = 0;
        double plainCpu = 0;
        double replicatedCpu = 0;
        double cpu = 0;
        double catchUp = 0;
        for (int k = 0; k < 2; k++) {
          boolean replicatedNow = (k == 0) == (round % 2 == 1);
          if (replicatedNow) {
            ProcUsage before = ProcUsage.read(child.pid());
            Window w = runWriters(target.db(), threads, plan.throughputWindow());
            long commits = w.commits();
            replicatedCpu = w.cpuMicrosPerCommit();
            long end = System.nanoTime();
            replicated = commits / (plan.throughputWindow().toNanos() / 1e9);
            catchUp = awaitCaughtUp(child, end);
            // All the work the window's commits caused, including the sync that follows it: with
            // one sync per second, a 1 s window alone may or may not contain it.
            ProcUsage after = ProcUsage.read(child.pid());
            cpu = after.cpuNanosSince(before) / 1e6 / (commits / 1000.0);
          } else {
            Window w = runWriters(plainDb, threads, plan.throughputWindow());
            plain = w.commits() / (plan.throughputWindow().toNanos() / 1e9);
            plainCpu = w.cpuMicrosPerCommit();
          }
        }
        Pair p = new Pair(plain, replicated, plainCpu, replicatedCpu, cpu, catchUp);
        out.add(p);
        ctx.progress(
            "P2 %-18s %d writer(s) pair %d: plain %.0f, replicated %.0f commits/s (ratio %.3f,"
                + " writer CPU %.1f / %.1f us per commit, catch-up %.1f s)",
            r.id(),
            threads,
            round + 1,
            plain,
            replicated,
            p.ratio(),
            replicatedCpu,
            plainCpu,
            catchUp);
      }
    } finally {
      ctx.stop(child);
      Cleanup.deleteTree(dir);
      Cleanup.deleteTree(plainDir);
    }
    return out;
  }

  /**
   * Waits until the replicator has finished the work the last window left it (at least one sync
   * interval, then until a 200 ms sample shows under 5% CPU); returns the seconds since the window.
   */
  private static double awaitCaughtUp(Child child, long windowEnd) throws Exception {
    long minimum = windowEnd + SYNC_INTERVAL.toNanos() + 200_000_000L;
    long deadline = windowEnd + Duration.ofSeconds(30).toNanos();
    while (true) {
      ProcUsage a = ProcUsage.read(child.pid());
      Thread.sleep(200);
      ProcUsage b = ProcUsage.read(child.pid());
      boolean quiet = b.cpuNanosSince(a) < 10_000_000L;
      long now = System.nanoTime();
      if ((quiet && now >= minimum) || now > deadline) {
        return (now - windowEnd) / 1e9;
      }
    }
  }

  /**
   * Runs {@code threads} writers for {@code window}; returns the commits they completed in it and
   * the CPU time their threads used.
   */
  private static Window runWriters(Path db, int threads, Duration window) throws Exception {
    AtomicLong commits = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    long[] deadline = new long[1];
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int id = i;
      workers.add(
          Thread.ofPlatform()
              .name("bench-writer-" + i)
              .start(
                  () -> {
                    try (AppDb app = AppDb.open(db, 100 + id)) {
                      ready.countDown();
                      go.await();
                      long cpuAtStart = THREAD_CPU.getCurrentThreadCpuTime();
                      long n = 0;
                      while (System.nanoTime() < deadline[0]) {
                        app.insert(-1, ROW);
                        n++;
                      }
                      cpuNanos.addAndGet(THREAD_CPU.getCurrentThreadCpuTime() - cpuAtStart);
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
    return new Window(commits.get(), cpuNanos.get());
  }

  private Section report(
      Context ctx, List<Replicator> replicators, Map<String, Map<Integer, List<Pair>>> pairs) {
    Plan plan = ctx.plan();
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "1 KB rows, one row per transaction (autocommit), WAL mode, synchronous=NORMAL, "
                + "%.1f s windows, %d pairs (plain, replicated) per row of the table in alternating order; "
                + "replicators run as separate processes with their defaults.%n%n",
            plan.throughputWindow().toMillis() / 1000.0, plan.throughputRounds()));
    md.append(
        "| writers | replicator | plain SQLite commits/s | replicated commits/s | ratio replicated / plain (same pair) "
            + "| writer CPU per commit, replicated / plain (same pair) "
            + "| replicator CPU ms per 1000 commits (window and catch-up) | catch-up after window s |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    List<Check> checks = new ArrayList<>();
    for (int threads : THREADS) {
      Map<String, Object> jt = new LinkedHashMap<>();
      for (Replicator r : replicators) {
        List<Pair> ps = pairs.get(r.id()).get(threads);
        Spread plain = Spread.of(ps.stream().map(Pair::plain).toList());
        Spread replicated = Spread.of(ps.stream().map(Pair::replicated).toList());
        Spread ratio = Spread.of(ps.stream().map(Pair::ratio).toList());
        Spread cpu = Spread.of(ps.stream().map(Pair::replicatorCpuMsPer1k).toList());
        Spread writerCpu = Spread.of(ps.stream().map(Pair::writerCpuRatio).toList());
        Spread catchUp = Spread.of(ps.stream().map(Pair::catchUpSeconds).toList());
        md.append(
            String.format(
                "| %d | %s | %s | %s | %s | %s | %s | %s |%n",
                threads,
                r.label(),
                plain.format(0),
                replicated.format(0),
                ratio.format(3),
                writerCpu.format(3),
                cpu.format(1),
                catchUp.format(1)));
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("plain_commits_per_s", plain.toJson());
        j.put("replicated_commits_per_s", replicated.toJson());
        j.put("ratio", ratio.toJson());
        j.put("writer_cpu_per_commit_ratio", writerCpu.toJson());
        j.put("replicator_cpu_ms_per_1000_commits", cpu.toJson());
        j.put("catch_up_s", catchUp.toJson());
        jt.put(r.id(), j);
        if (r instanceof Replicator.Ours && r != replicators.get(0)) {
          checks.add(
              new Check(
                  "P2",
                  "(reference) " + r.label() + " throughput ratio, " + threads + " writer(s)",
                  ratio.format(3),
                  "—",
                  Check.Verdict.INFO,
                  "same-pair ratios; writers' CPU per commit ratio " + writerCpu.format(3)));
        } else if (r instanceof Replicator.Ours) {
          checks.add(
              new Check(
                  "P2",
                  "throughput with / without replication, " + threads + " writer(s), 1 KB rows",
                  ratio.format(3),
                  ">= 0.95",
                  Check.Verdict.of(ratio.median() >= 0.95),
                  "same-pair ratios"));
          checks.add(
              new Check(
                  "P2",
                  "(reference) writers' CPU per commit, replicated / plain, "
                      + threads
                      + " writer(s)",
                  writerCpu.format(3),
                  "—",
                  Check.Verdict.INFO,
                  "same-pair ratios; CPU time does not count waiting for a core"));
        } else {
          checks.add(
              new Check(
                  "P2",
                  "(reference) Litestream 0.3.13 throughput ratio, " + threads + " writer(s)",
                  ratio.format(3),
                  "—",
                  Check.Verdict.INFO,
                  "same-pair ratios"));
          checks.add(
              new Check(
                  "P2",
                  "(reference) writers' CPU per commit with Litestream 0.3.13, replicated / plain, "
                      + threads
                      + " writer(s)",
                  writerCpu.format(3),
                  "—",
                  Check.Verdict.INFO,
                  "same-pair ratios"));
        }
      }
      json.put(threads + "_writers", jt);
      List<Pair> ours = pairs.get(replicators.get(0).id()).get(threads);
      if (replicators.size() > 1) {
        List<Pair> peer = pairs.get(replicators.get(1).id()).get(threads);
        double oursRatio = Spread.of(ours.stream().map(Pair::ratio).toList()).median();
        double peerRatio = Spread.of(peer.stream().map(Pair::ratio).toList()).median();
        checks.add(
            new Check(
                "P2",
                "throughput ratio vs Litestream 0.3.13's, " + threads + " writer(s)",
                String.format("%.3f vs %.3f", oursRatio, peerRatio),
                ">= peer's (-5% noise)",
                Check.Verdict.of(oursRatio >= peerRatio * 0.95),
                "medians of same-pair ratios, same run"));
        double oursCpu = Spread.of(ours.stream().map(Pair::replicatorCpuMsPer1k).toList()).median();
        double peerCpu = Spread.of(peer.stream().map(Pair::replicatorCpuMsPer1k).toList()).median();
        checks.add(
            new Check(
                "P2",
                "replicator CPU per 1000 commits vs Litestream 0.3.13's, " + threads + " writer(s)",
                String.format("%.2fx (%.1f vs %.1f ms)", oursCpu / peerCpu, oursCpu, peerCpu),
                "<= 2x",
                Check.Verdict.of(oursCpu <= 2 * peerCpu),
                "medians, same run"));
      }
    }
    md.append(
        """

        The machine has 2 cores shared by the writers, the replicator and (in CI) other jobs: the \
        replicator's CPU time is taken from the writers, which is part of the cost these ratios show.
        """);
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }
}
