package io.litestream4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * P6: the cost of replicating databases that do not change, many databases in one process. Each
 * setup (litestream4j defaults and Litestream 0.3.13, each with 1, 100 [, 1000] databases listed in
 * one config file) is one replicator process. Setups are started one after the other from cold (no
 * local state, empty replicas) and timed until every replica holds its snapshot; then all of them
 * settle and are measured over the same window: CPU time (per-thread schedstat), RSS, threads and
 * open descriptors at the end of the window, and replica files uploaded during it (which must be
 * none). Idle processes barely compete for CPU, so running them side by side costs nothing in
 * accuracy and keeps the comparison in the same conditions.
 */
final class IdleBench implements Benchmark {
  private static final Duration SETTLE = Duration.ofSeconds(3);

  @Override
  public String id() {
    return "P6";
  }

  @Override
  public String title() {
    return "Idle cost";
  }

  private record Setup(
      Replicator replicator,
      int dbs,
      List<Target> targets,
      Child child,
      double coldStartS,
      double startupDoneS) {
    String key() {
      return replicator.id() + "-" + dbs;
    }
  }

  private record Measured(
      Setup setup,
      double cpuPercent,
      double tickCpuPercent,
      long rssKb,
      long uploads,
      int threads,
      int descriptors) {}

  @Override
  public Section run(Context ctx) throws Exception {
    Plan plan = ctx.plan();
    List<Setup> setups = new ArrayList<>();
    try {
      Replicator ours = Replicator.Ours.defaults(ctx.tools().ours());
      for (int n : plan.idleCounts()) {
        setups.add(start(ctx, ours, n));
      }
      if (ctx.tools().hasPeer()) {
        Replicator peer = new Replicator.Peer(ctx.tools().peer().orElseThrow());
        for (int n : plan.idlePeerCounts()) {
          setups.add(start(ctx, peer, n));
        }
      }
      Thread.sleep(SETTLE.toMillis());
      List<ProcUsage> before = new ArrayList<>();
      List<Long> filesBefore = new ArrayList<>();
      for (Setup s : setups) {
        before.add(ProcUsage.read(s.child().pid()));
        filesBefore.add(countFiles(s));
      }
      ctx.progress(
          "P6 measuring %d idle setups for %d s", setups.size(), plan.idleWindow().toSeconds());
      Thread.sleep(plan.idleWindow().toMillis());
      List<Measured> measured = new ArrayList<>();
      for (int i = 0; i < setups.size(); i++) {
        Setup s = setups.get(i);
        ProcUsage after = ProcUsage.read(s.child().pid());
        double window = after.takenNanos() - before.get(i).takenNanos();
        measured.add(
            new Measured(
                s,
                100.0 * after.cpuNanosSince(before.get(i)) / window,
                100.0 * after.tickNanosSince(before.get(i)) / window,
                after.rssKb(),
                countFiles(s) - filesBefore.get(i),
                after.threads(),
                ProcUsage.descriptors(s.child().pid())));
      }
      measured.forEach(
          m ->
              ctx.progress(
                  "P6 %-22s CPU %.4f%% of a core, RSS %d KiB, uploads %d, threads %d, fds %d, "
                      + "cold start %.1f s",
                  m.setup.key(),
                  m.cpuPercent,
                  m.rssKb,
                  m.uploads,
                  m.threads,
                  m.descriptors,
                  m.setup.coldStartS()));
      return report(ctx, measured);
    } finally {
      for (Setup s : setups) {
        ctx.stop(s.child());
      }
    }
  }

  private static long countFiles(Setup s) throws java.io.IOException {
    long n = 0;
    for (Target t : s.targets()) {
      n += s.replicator().layout().countFiles(t.replica());
    }
    return n;
  }

  private static Setup start(Context ctx, Replicator r, int n) throws Exception {
    Path dir = ctx.newDir("p6-" + r.id() + "-" + n);
    Files.createDirectories(dir.resolve("dbs"));
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Target t =
          new Target(
              dir.resolve(String.format("dbs/db-%04d.db", i)),
              dir.resolve(String.format("replicas/r-%04d", i)));
      try (AppDb app = AppDb.open(t.db(), i)) {
        app.insertBatch(1, 10, 200);
      }
      targets.add(t);
    }
    long start = System.nanoTime();
    Child child = r.start(ctx, targets, dir);
    r.awaitSnapshots(child, targets, Duration.ofSeconds(60 + n / 2));
    double coldStart = (System.nanoTime() - start) / 1e9;
    ctx.progress("P6 %s with %d database(s) has every snapshot after %.1f s", r.id(), n, coldStart);
    r.awaitStartupDone(child, targets, Duration.ofSeconds(60 + n / 2));
    double startupDone = (System.nanoTime() - start) / 1e9;
    ctx.progress(
        "P6 %s with %d database(s) finished its start-up after %.1f s", r.id(), n, startupDone);
    return new Setup(r, n, targets, child, coldStart, startupDone);
  }

  private Section report(Context ctx, List<Measured> measured) {
    Plan plan = ctx.plan();
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "All setups measured over the same %d s window after every replica had its snapshot "
                + "(+%d s settle); one run per setup, so each figure is a single measurement. CPU from per-thread "
                + "`schedstat` (ns resolution); the `utime+stime` figure (10 ms ticks) is kept in results.json as a "
                + "cross-check. Uploads = replica files that appeared during the window. Cold start = from launching the "
                + "process (no local state, empty replicas; setups started one at a time) until every replica holds a "
                + "snapshot. The window starts once each setup's start-up work is done (litestream4j: the first "
                + "compactions and the L9 snapshot on every replica; `startup_done_s` in results.json), so its "
                + "uploads are the cost of idleness.%n%n",
            plan.idleWindow().toSeconds(), SETTLE.toSeconds()));
    md.append(
        "RSS per DB vs 1 DB = (RSS − RSS of the 1-DB setup) / (DBs − 1); marginal = the same against the "
            + "next smaller setup of the same replicator with more than one DB. The marginal figure is the "
            + "one checked: a 1-DB JVM has not yet touched all of its young generation nor compiled the code "
            + "that many databases' start-up makes hot, which is a one-time cost of the process, not of each "
            + "database (docs/performance.md, P6, session 9).\n\n");
    md.append(
        "| replicator | idle DBs | CPU % of one core | RSS MiB | RSS per DB KiB (vs 1 DB) | RSS per DB KiB (marginal) "
            + "| threads | descriptors | uploads in window | uploads per idle hour | cold start s |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    List<Check> checks = new ArrayList<>();
    Map<String, Long> oneDbRss = new LinkedHashMap<>();
    for (Measured m : measured) {
      if (m.setup.dbs() == 1) {
        oneDbRss.put(m.setup.replicator().id(), m.rssKb);
      }
    }
    double windowS = plan.idleWindow().toSeconds();
    for (Measured m : measured) {
      Long base = oneDbRss.get(m.setup.replicator().id());
      double perDb =
          m.setup.dbs() > 1 && base != null
              ? (m.rssKb - base) / (double) (m.setup.dbs() - 1)
              : Double.NaN;
      Measured smaller = nextSmallerMultiDb(measured, m);
      double marginal =
          smaller == null
              ? Double.NaN
              : (m.rssKb - smaller.rssKb) / (double) (m.setup.dbs() - smaller.setup.dbs());
      md.append(
          String.format(
              "| %s | %d | %.4f | %.1f | %s | %s | %d | %d | %d | %.0f | %.1f |%n",
              m.setup.replicator().label(),
              m.setup.dbs(),
              m.cpuPercent,
              m.rssKb / 1024.0,
              Double.isNaN(perDb) ? "—" : String.format("%.0f", perDb),
              Double.isNaN(marginal) ? "—" : String.format("%.0f", marginal),
              m.threads,
              m.descriptors,
              m.uploads,
              m.uploads * 3600 / windowS,
              m.setup.coldStartS()));
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("replicator", m.setup.replicator().id());
      j.put("dbs", m.setup.dbs());
      j.put("cpu_percent_of_core", m.cpuPercent);
      j.put("cpu_percent_of_core_ticks", m.tickCpuPercent);
      j.put("rss_kib", m.rssKb);
      j.put("rss_per_extra_db_kib", perDb);
      j.put("rss_per_extra_db_marginal_kib", marginal);
      j.put("rss_marginal_vs_dbs", smaller == null ? 0 : smaller.setup.dbs());
      j.put("uploads_in_window", m.uploads);
      j.put("threads", m.threads);
      j.put("descriptors", m.descriptors);
      j.put("cold_start_s", m.setup.coldStartS());
      j.put("startup_done_s", m.setup.startupDoneS());
      j.put("window_s", windowS);
      json.put(m.setup.key(), j);
      boolean isOurs = m.setup.replicator() instanceof Replicator.Ours;
      if (isOurs && m.setup.dbs() >= 1000) {
        checks.add(
            new Check(
                "P6",
                "RSS, litestream4j, " + m.setup.dbs() + " DBs",
                String.format("%.0f MiB", m.rssKb / 1024.0),
                "<= 350 MiB",
                Check.Verdict.of(m.rssKb <= 350 * 1024),
                "one process"));
      }
      if (isOurs) {
        checks.add(
            new Check(
                "P6",
                "idle uploads, litestream4j, " + m.setup.dbs() + " DB(s)",
                m.uploads + " in " + (long) windowS + " s",
                "0",
                Check.Verdict.of(m.uploads == 0),
                ""));
        if (m.setup.dbs() == 1) {
          checks.add(
              new Check(
                  "P6",
                  "idle CPU, litestream4j, 1 DB",
                  String.format("%.4f %% of a core", m.cpuPercent),
                  "<= 0.1 %",
                  Check.Verdict.of(m.cpuPercent <= 0.1),
                  "single " + (long) windowS + " s window"));
        } else if (!Double.isNaN(perDb)) {
          checks.add(
              new Check(
                  "P6",
                  "threads, litestream4j, " + m.setup.dbs() + " DBs",
                  Integer.toString(m.threads),
                  "<= 200",
                  Check.Verdict.of(m.threads <= 200),
                  "one process"));
          if (m.setup.dbs() >= 1000) {
            checks.add(
                new Check(
                    "P6",
                    "RSS growth per idle DB vs 1 DB, litestream4j, " + m.setup.dbs() + " DBs",
                    String.format("%.0f KiB", perDb),
                    "<= 200 KiB",
                    Check.Verdict.of(perDb <= 200),
                    "JVM heap is not compacted before sampling; single window"));
          }
          if (smaller != null) {
            checks.add(
                new Check(
                    "P6",
                    "RSS growth per idle DB, litestream4j, "
                        + smaller.setup.dbs()
                        + " → "
                        + m.setup.dbs()
                        + " DBs",
                    String.format("%.0f KiB", marginal),
                    "<= 200 KiB",
                    Check.Verdict.of(marginal <= 200),
                    "marginal: against the next smaller multi-DB setup; single window"));
          }
        }
      }
    }
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }

  /** The largest setup of {@code m}'s replicator with more than one DB and fewer than {@code m}. */
  private static Measured nextSmallerMultiDb(List<Measured> measured, Measured m) {
    Measured best = null;
    for (Measured o : measured) {
      if (o.setup.replicator().id().equals(m.setup.replicator().id())
          && o.setup.dbs() > 1
          && o.setup.dbs() < m.setup.dbs()
          && (best == null || o.setup.dbs() > best.setup.dbs())) {
        best = o;
      }
    }
    return best;
  }
}
