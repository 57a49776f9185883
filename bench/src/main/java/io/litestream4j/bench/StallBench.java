package io.litestream4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * P3: writer stalls caused by the replicator. A paced writer commits 1 KB rows into a copy of a
 * large database (100 MB; 2 GB in the full run) and records every commit's latency. With
 * replication, litestream4j (defaults) is started as the writer begins, so the window covers its
 * start-up, the initial snapshot of the whole database (the O(size) step that stalls writers in
 * upstream issue 1332), regular syncs and checkpoints. Compared with the same writer without a
 * replicator, in alternating runs.
 */
final class StallBench implements Benchmark {
  private static final int ROW = 1024;

  @Override
  public String id() {
    return "P3";
  }

  @Override
  public String title() {
    return "Writer stalls caused by the replicator";
  }

  private record Trial(Percentiles service, Percentiles response, double snapshotSeconds) {}

  @Override
  public Section run(Context ctx) throws Exception {
    Plan plan = ctx.plan();
    Replicator ours = Replicator.Ours.defaults(ctx.tools().ours());
    Map<Integer, List<Trial>> plain = new LinkedHashMap<>();
    Map<Integer, List<Trial>> with = new LinkedHashMap<>();
    for (int sizeMb : plan.stallSizesMb()) {
      Path baseDir = ctx.newDir("p3-base-" + sizeMb);
      Path base = baseDir.resolve("base.db");
      long rows;
      try (AppDb app = AppDb.open(base, 7)) {
        rows = app.fillTo(sizeMb * 1024L * 1024L);
      }
      ctx.progress("P3 built a %d MB database (%d rows)", sizeMb, rows);
      plain.put(sizeMb, new ArrayList<>());
      with.put(sizeMb, new ArrayList<>());
      for (int round = 0; round < plan.stallRounds(); round++) {
        for (int k = 0; k < 2; k++) {
          boolean replicated = (k == 0) == (round % 2 == 1);
          Trial t = trial(ctx, base, rows, replicated ? Optional.of(ours) : Optional.empty());
          (replicated ? with : plain).get(sizeMb).add(t);
          ctx.progress(
              "P3 %d MB round %d %-10s p50 %.2f ms  p99 %.2f ms  max %.1f ms%s",
              sizeMb,
              round + 1,
              replicated ? "replicated" : "plain",
              t.service.p50(),
              t.service.p99(),
              t.service.max(),
              replicated
                  ? String.format("  (snapshot in replica after %.1f s)", t.snapshotSeconds)
                  : "");
        }
      }
      Cleanup.deleteTree(baseDir);
    }
    return report(ctx, plain, with);
  }

  private Trial trial(Context ctx, Path base, long rows, Optional<Replicator> replicator)
      throws Exception {
    Plan plan = ctx.plan();
    Path dir = ctx.newDir("p3");
    Target target = new Target(dir.resolve("app.db"), dir.resolve("replica"));
    AppDb.copyDatabase(base, target.db());
    int count = (int) (plan.stallRate() * plan.stallWindow().toMillis() / 1000);
    try (AppDb app = AppDb.open(target.db(), 8)) {
      app.insert(rows + 1, ROW); // warm the connection before timing
      Child child = null;
      SnapshotWatch watch = null;
      try {
        long start = System.nanoTime();
        if (replicator.isPresent()) {
          child = replicator.get().start(ctx, List.of(target), dir);
          watch = new SnapshotWatch(replicator.get().layout(), target.replica(), start);
        }
        PacedWriter.Run run = PacedWriter.run(app, rows + 2, count, plan.stallRate(), ROW);
        double snapshot = watch == null ? Double.NaN : watch.stop();
        return new Trial(
            Percentiles.of(run.serviceMs()), Percentiles.of(run.responseMs()), snapshot);
      } finally {
        if (child != null) {
          ctx.stop(child);
        }
      }
    } finally {
      Cleanup.deleteTree(dir); // a copy of the large database per run; do not keep them all
    }
  }

  /** Notes when the replica first holds a snapshot, polling from a background thread. */
  private static final class SnapshotWatch {
    private final Thread thread;
    private volatile double seconds = Double.NaN;
    private volatile boolean stopping;

    SnapshotWatch(ReplicaLayout layout, Path replica, long start) {
      thread =
          Thread.ofPlatform()
              .name("bench-snapshot-watch")
              .daemon(true)
              .start(
                  () -> {
                    try {
                      while (!stopping) {
                        if (layout.hasSnapshot(replica)) {
                          seconds = (System.nanoTime() - start) / 1e9;
                          return;
                        }
                        Thread.sleep(20);
                      }
                    } catch (Exception e) {
                      // leave NaN: reported as "not within the window"
                    }
                  });
    }

    double stop() throws InterruptedException {
      stopping = true;
      thread.join();
      return seconds;
    }
  }

  private Section report(
      Context ctx, Map<Integer, List<Trial>> plain, Map<Integer, List<Trial>> with) {
    Plan plan = ctx.plan();
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "Paced writer: %d commits/s of 1 KB rows for %d s per run, %d rounds; replicated = "
                + "litestream4j defaults started together with the writer (start-up, initial snapshot of the whole "
                + "database, syncs and checkpoints all fall inside the window). Latency = time of the insert+commit call.%n%n",
            plan.stallRate(), plan.stallWindow().toSeconds(), plan.stallRounds()));
    md.append(
        "| DB size | run | commit p50 ms | commit p99 ms | commit p99.9 ms | longest commit ms | snapshot in replica after s |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    List<Check> checks = new ArrayList<>();
    Map<Integer, Spread> stalls = new LinkedHashMap<>();
    for (int size : plain.keySet()) {
      Map<String, Object> js = new LinkedHashMap<>();
      for (boolean replicated : new boolean[] {false, true}) {
        List<Trial> ts = (replicated ? with : plain).get(size);
        Spread p50 = Spread.of(ts.stream().map(t -> t.service.p50()).toList());
        Spread p99 = Spread.of(ts.stream().map(t -> t.service.p99()).toList());
        Spread p999 = Spread.of(ts.stream().map(t -> t.service.p999()).toList());
        Spread max = Spread.of(ts.stream().map(t -> t.service.max()).toList());
        Spread snap =
            Spread.of(ts.stream().map(Trial::snapshotSeconds).filter(d -> !d.isNaN()).toList());
        md.append(
            String.format(
                "| %d MB | %s | %s | %s | %s | %s | %s |%n",
                size,
                replicated ? "replicated" : "plain SQLite",
                p50.format(2),
                p99.format(2),
                p999.format(2),
                max.format(1),
                replicated ? snap.format(1) : "—"));
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("p50_ms", p50.toJson());
        j.put("p99_ms", p99.toJson());
        j.put("p999_ms", p999.toJson());
        j.put("max_ms", max.toJson());
        j.put(
            "response_max_ms", Spread.of(ts.stream().map(t -> t.response.max()).toList()).toJson());
        if (replicated) {
          j.put("snapshot_in_replica_s", snap.toJson());
        }
        js.put(replicated ? "replicated" : "plain", j);
      }
      List<Double> overhead = new ArrayList<>();
      List<Double> stall = new ArrayList<>();
      List<Trial> a = plain.get(size);
      List<Trial> b = with.get(size);
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        overhead.add(b.get(i).service.p99() - a.get(i).service.p99());
        stall.add(b.get(i).service.max() - a.get(i).service.max());
      }
      Spread o = Spread.of(overhead);
      Spread st = Spread.of(stall);
      stalls.put(size, st);
      js.put("p99_overhead_ms", o.toJson());
      js.put("longest_commit_overhead_ms", st.toJson());
      json.put(size + "MB", js);
      checks.add(
          new Check(
              "P3",
              "commit p99 overhead (replicated − plain), " + size + " MB DB",
              o.format(2) + " ms",
              "<= 10 ms",
              Check.Verdict.of(o.median() <= 10),
              "same-round pairs"));
    }
    md.append(
        """

        The longest commit of plain SQLite is its own checkpoint (fsync of the database file). What the \
        replicator adds is the difference between the runs of a pair: `longest_commit_overhead_ms` in \
        results.json, compared across sizes for "no stall proportional to DB size".
        """);
    if (stalls.size() >= 2) {
      List<Integer> sizes = new ArrayList<>(stalls.keySet());
      Spread small = stalls.get(sizes.getFirst());
      Spread large = stalls.get(sizes.getLast());
      double sizeRatio = (double) sizes.getLast() / sizes.getFirst();
      // Proportional would mean the added stall grows with the size; allow it to stay within a
      // small absolute bound or grow far less than the size.
      boolean ok = large.median() <= Math.max(50, 4 * Math.max(small.median(), 0));
      checks.add(
          new Check(
              "P3",
              "longest commit added by the replicator, "
                  + sizes.getLast()
                  + " MB vs "
                  + sizes.getFirst()
                  + " MB DB",
              large.format(1)
                  + " ms vs "
                  + small.format(1)
                  + " ms (size x"
                  + String.format("%.0f", sizeRatio)
                  + ")",
              "no stall proportional to DB size",
              Check.Verdict.of(ok),
              "pass if the added stall stays under max(50 ms, 4x the small size's)"));
    } else {
      Spread only = stalls.values().stream().findFirst().orElse(Spread.of());
      checks.add(
          new Check(
              "P3",
              "longest commit added by the replicator",
              only.format(1) + " ms (one size only)",
              "compare 100 MB with 2 GB",
              Check.Verdict.INFO,
              "the 2 GB size runs only in the full run"));
    }
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }
}
