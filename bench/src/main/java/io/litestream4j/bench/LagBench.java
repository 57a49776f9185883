package io.litestream4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * P1: commit-to-replica lag. A writer commits stamped rows at a fixed rate into a fresh database;
 * the replicator under test ships them to a file replica; a {@link ReplicaProbe} records when each
 * row became restorable. Litestream 0.3.13 (defaults), our defaults and our low-latency setting
 * take turns within each round.
 */
final class LagBench implements Benchmark {
  private static final int PAYLOAD = 200;

  /**
   * "Not worse than the peer", allowing for run-to-run noise: both p99s sit at the 1 s sync
   * interval.
   */
  private static final double NOT_WORSE = 1.05;

  @Override
  public String id() {
    return "P1";
  }

  @Override
  public String title() {
    return "Commit-to-replica lag";
  }

  private record Trial(Percentiles lag, int missing, int byRescan, int files, double[] lags) {}

  @Override
  public Section run(Context ctx) throws Exception {
    Plan plan = ctx.plan();
    List<Replicator> replicators = new ArrayList<>();
    ctx.tools().peer().ifPresent(p -> replicators.add(new Replicator.Peer(p)));
    replicators.add(Replicator.Ours.defaults(ctx.tools().ours()));
    replicators.add(Replicator.Ours.lowLatency(ctx.tools().ours()));

    Map<String, List<Trial>> trials = new LinkedHashMap<>();
    replicators.forEach(r -> trials.put(r.id(), new ArrayList<>()));
    for (int round = 0; round < plan.lagRounds(); round++) {
      for (int k = 0; k < replicators.size(); k++) {
        Replicator r = replicators.get((k + round) % replicators.size());
        Trial t = trial(ctx, r);
        trials.get(r.id()).add(t);
        ctx.progress(
            "P1 round %d %-18s p50 %.1f ms  p99 %.1f ms  max %.1f ms  missing %d",
            round + 1, r.id(), t.lag.p50(), t.lag.p99(), t.lag.max(), t.missing);
      }
    }
    return report(ctx, replicators, trials);
  }

  private Trial trial(Context ctx, Replicator r) throws Exception {
    Plan plan = ctx.plan();
    Path dir = ctx.newDir("p1-" + r.id());
    Target target = new Target(dir.resolve("app.db"), dir.resolve("replica"));
    int warmup = (int) (plan.lagRate() * plan.lagWarmup().toMillis() / 1000);
    int measured = (int) (plan.lagRate() * plan.lagWindow().toMillis() / 1000);
    try (AppDb app = AppDb.open(target.db(), 1);
        ReplicaProbe probe = new ReplicaProbe(target.replica(), r.layout())) {
      app.insert(1, PAYLOAD);
      Child child = r.start(ctx, List.of(target), dir);
      try {
        r.awaitSnapshots(child, List.of(target), Duration.ofSeconds(60));
        PacedWriter.Run run = PacedWriter.run(app, 2, warmup + measured, plan.lagRate(), PAYLOAD);
        long last = 1 + warmup + measured;
        probe.awaitSeq(last, Duration.ofSeconds(15));
        long[] bySeq = new long[(int) last + 1];
        System.arraycopy(run.commitNanos(), 0, bySeq, 2, warmup + measured);
        LagSamples s = LagSamples.of(bySeq, 2 + warmup, last, probe.arrivals());
        writeRaw(ctx, r, s.lagsMs());
        return new Trial(
            Percentiles.of(s.lagsMs()), s.missing(), s.byRescan(), probe.files(), s.lagsMs());
      } finally {
        ctx.stop(child);
      }
    }
  }

  private static void writeRaw(Context ctx, Replicator r, double[] lags)
      throws java.io.IOException {
    StringBuilder sb = new StringBuilder("lag_ms\n");
    for (double l : lags) {
      sb.append(String.format("%.3f%n", l));
    }
    Files.writeString(ctx.rawFile("p1-lags-" + r.id(), "csv"), sb);
  }

  private Section report(Context ctx, List<Replicator> replicators, Map<String, List<Trial>> trials)
      throws java.io.IOException {
    Plan plan = ctx.plan();
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "Writer: %d commits/s of %d-byte rows for %d s per run (after %d s warm-up), "
                + "file replica on the local disk, %d rounds (replicators alternate within each round).%n%n",
            plan.lagRate(),
            PAYLOAD,
            plan.lagWindow().toSeconds(),
            plan.lagWarmup().toSeconds(),
            plan.lagRounds()));
    md.append(
        "| replicator | lag p50 ms | lag p99 ms | lag max ms | rows missing | replica files/run |\n");
    md.append("|---|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, double[]> pooled = new LinkedHashMap<>();
    Map<String, Spread> p50s = new LinkedHashMap<>();
    Map<String, Spread> p99s = new LinkedHashMap<>();
    for (Replicator r : replicators) {
      List<Trial> ts = trials.get(r.id());
      Spread p50 = Spread.of(ts.stream().map(t -> t.lag.p50()).toList());
      Spread p99 = Spread.of(ts.stream().map(t -> t.lag.p99()).toList());
      Spread max = Spread.of(ts.stream().map(t -> t.lag.max()).toList());
      Spread missing = Spread.of(ts.stream().map(t -> (double) t.missing).toList());
      Spread files = Spread.of(ts.stream().map(t -> (double) t.files).toList());
      p50s.put(r.id(), p50);
      p99s.put(r.id(), p99);
      md.append(
          String.format(
              "| %s | %s | %s | %s | %s | %s |%n",
              r.label(),
              p50.format(1),
              p99.format(1),
              max.format(1),
              missing.format(0),
              files.format(0)));
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("label", r.label());
      j.put("p50_ms", p50.toJson());
      j.put("p99_ms", p99.toJson());
      j.put("max_ms", max.toJson());
      j.put("missing_rows", missing.toJson());
      j.put("rescan_arrivals", ts.stream().mapToInt(t -> t.byRescan).sum());
      j.put("runs", ts.stream().map(t -> t.lag.toJson()).toList());
      json.put(r.id(), j);
      pooled.put(
          r.label(), ts.stream().flatMapToDouble(t -> java.util.Arrays.stream(t.lags)).toArray());
    }

    List<Check> checks = new ArrayList<>();
    Spread lowP50 = p50s.get("ours-low-latency");
    Spread lowP99 = p99s.get("ours-low-latency");
    checks.add(
        new Check(
            "P1",
            "lag p50, low-latency setting, 100 commits/s",
            lowP50.format(1) + " ms",
            "<= 50 ms",
            Check.Verdict.of(lowP50.median() <= 50),
            ""));
    checks.add(
        new Check(
            "P1",
            "lag p99, low-latency setting, 100 commits/s",
            lowP99.format(1) + " ms",
            "<= 250 ms",
            Check.Verdict.of(lowP99.median() <= 250),
            ""));
    if (trials.containsKey("litestream-0.3.13")) {
      Spread r50 = ratios(trials.get("ours-default"), trials.get("litestream-0.3.13"), true);
      Spread r99 = ratios(trials.get("ours-default"), trials.get("litestream-0.3.13"), false);
      md.append(
          String.format(
              "%nSame-round ratio ours-default / Litestream 0.3.13: p50 %s, p99 %s (below 1 = we are faster).%n",
              r50.format(2), r99.format(2)));
      json.put("ratio_default_vs_peer", Map.of("p50", r50.toJson(), "p99", r99.toJson()));
      checks.add(
          new Check(
              "P1",
              "lag p50 ratio, our defaults / Litestream 0.3.13 defaults",
              r50.format(2),
              "<= 1 (+5% noise)",
              Check.Verdict.of(r50.median() <= NOT_WORSE),
              "same-round pairs"));
      checks.add(
          new Check(
              "P1",
              "lag p99 ratio, our defaults / Litestream 0.3.13 defaults",
              r99.format(2),
              "<= 1 (+5% noise)",
              Check.Verdict.of(r99.median() <= NOT_WORSE),
              "same-round pairs"));
    } else {
      checks.add(
          new Check(
              "P1",
              "lag vs Litestream 0.3.13",
              "—",
              "<= 1",
              Check.Verdict.SKIPPED,
              "Litestream 0.3.13 not installed (scripts/install-peers.sh)"));
    }
    md.append(
        """

        How lag is measured: every row carries a stamp `(seq)`; the writer records when each commit \
        returned. The probe watches the replica directory with inotify and, when a replica file is \
        published (both replicators write a temporary file, fsync it and rename it into place), notes \
        the time and decodes the file (LTX pages, or the LZ4-compressed WAL segment for Litestream 0.3) \
        to find the highest stamp in it. Files are uploaded in order, so from that moment every row up to \
        that stamp can be restored. Lag = publish time − commit time. A rescan every second backs up the \
        notifications; arrivals found only by it are counted in results.json (`rescan_arrivals`).
        """);
    String plot = "p1-lag-cdf.png";
    Plots.cdf(
        ctx.out().resolve(plot),
        "P1 commit-to-replica lag (" + plan.lagRate() + " commits/s, all runs)",
        "lag (ms, log scale)",
        pooled);
    md.append("\n![lag distribution](").append(plot).append(")\n");
    return new Section(id(), title(), md.toString(), json, checks, List.of(plot));
  }

  /** Per-round ratio a/b of p50 (or p99), pairing the i-th run of each. */
  private static Spread ratios(List<Trial> a, List<Trial> b, boolean p50) {
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      double x = p50 ? a.get(i).lag.p50() : a.get(i).lag.p99();
      double y = p50 ? b.get(i).lag.p50() : b.get(i).lag.p99();
      r.add(x / y);
    }
    return Spread.of(r);
  }
}
