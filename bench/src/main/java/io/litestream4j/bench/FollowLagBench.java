package io.litestream4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * P1F: commit-to-follower lag. The writer commits stamped rows at the P1 rate; litestream4j
 * replicates them with {@code sync-interval: 100ms} to a file replica; a second process runs {@code
 * restore -f -follow-interval 100ms}; a reader polls the follower's database (read-only, every 2
 * ms) for the highest stamp. Lag = the moment a reader first sees a row − its commit.
 */
final class FollowLagBench implements Benchmark {
  private static final int PAYLOAD = 200;
  private static final Duration POLL = Duration.ofMillis(2);

  @Override
  public String id() {
    return "P1F";
  }

  @Override
  public String title() {
    return "Commit-to-follower lag (restore -f)";
  }

  @Override
  public Section run(Context ctx) throws Exception {
    Plan plan = ctx.plan();
    List<Percentiles> runs = new ArrayList<>();
    List<double[]> all = new ArrayList<>();
    int missing = 0;
    for (int round = 0; round < plan.lagRounds(); round++) {
      LagSamples s = trial(ctx, round);
      Percentiles p = Percentiles.of(s.lagsMs());
      runs.add(p);
      all.add(s.lagsMs());
      missing += s.missing();
      ctx.progress(
          "P1F round %d p50 %.1f ms  p99 %.1f ms  max %.1f ms  missing %d",
          round + 1, p.p50(), p.p99(), p.max(), s.missing());
    }
    Spread p50 = Spread.of(runs.stream().map(Percentiles::p50).toList());
    Spread p99 = Spread.of(runs.stream().map(Percentiles::p99).toList());
    Spread max = Spread.of(runs.stream().map(Percentiles::max).toList());
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "Writer: %d commits/s of %d-byte rows for %d s per run (after %d s warm-up), %d runs. "
                + "Source: litestream4j, `sync-interval: 100ms`, `monitor-interval: 100ms`, file replica. Follower: "
                + "`restore -f -follow-interval 100ms` as its own process; a read-only reader polls it every %d ms.%n%n",
            plan.lagRate(),
            PAYLOAD,
            plan.lagWindow().toSeconds(),
            plan.lagWarmup().toSeconds(),
            plan.lagRounds(),
            POLL.toMillis()));
    md.append("| lag p50 ms | lag p99 ms | lag max ms | rows never seen |\n|---|---|---|---|\n");
    md.append(
        String.format(
            "| %s | %s | %s | %d |%n", p50.format(1), p99.format(1), max.format(1), missing));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("p50_ms", p50.toJson());
    json.put("p99_ms", p99.toJson());
    json.put("max_ms", max.toJson());
    json.put("missing_rows", missing);
    json.put("runs", runs.stream().map(Percentiles::toJson).toList());
    List<Check> checks =
        List.of(
            new Check(
                "P1F",
                "follower lag p99, sync-interval 100ms + follow-interval 100ms",
                p99.format(1) + " ms",
                "<= 500 ms",
                Check.Verdict.of(p99.median() <= 500 && missing == 0),
                ""));
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }

  private LagSamples trial(Context ctx, int round) throws Exception {
    Plan plan = ctx.plan();
    Path dir = ctx.newDir("p1f-" + round);
    Target target = new Target(dir.resolve("app.db"), dir.resolve("replica"));
    Path follower = dir.resolve("follower.db");
    Replicator.Ours source =
        new Replicator.Ours(
            "ours-100ms",
            "litestream4j, sync-interval 100ms",
            ctx.tools().ours(),
            Duration.ofMillis(100),
            Duration.ofMillis(100));
    int warmup = (int) (plan.lagRate() * plan.lagWarmup().toMillis() / 1000);
    int measured = (int) (plan.lagRate() * plan.lagWindow().toMillis() / 1000);
    try (AppDb app = AppDb.open(target.db(), 1)) {
      app.insert(1, PAYLOAD);
      Child replicate = source.start(ctx, List.of(target), dir);
      Child follow = null;
      AtomicBoolean stop = new AtomicBoolean();
      List<ReplicaProbe.Arrival> arrivals = new CopyOnWriteArrayList<>();
      Thread reader = null;
      try {
        source.awaitSnapshots(replicate, List.of(target), Duration.ofSeconds(60));
        follow =
            ctx.start(
                "follow-" + round,
                List.of(
                    ctx.tools().ours().toString(),
                    "restore",
                    "-f",
                    "-follow-interval",
                    "100ms",
                    "-o",
                    follower.toString(),
                    target.replicaUrl()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(follower.resolveSibling("follower.db-txid"))) {
          if (!follow.isAlive() || System.nanoTime() > deadline) {
            throw new java.io.IOException(
                "restore -f did not start; log "
                    + follow.log()
                    + ":\n"
                    + Logs.tail(follow.log(), 15));
          }
          Thread.sleep(10);
        }
        reader = Thread.ofPlatform().name("p1f-reader").start(() -> poll(follower, stop, arrivals));
        PacedWriter.Run run = PacedWriter.run(app, 2, warmup + measured, plan.lagRate(), PAYLOAD);
        long last = 1 + warmup + measured;
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while ((arrivals.isEmpty() || arrivals.getLast().seq() < last)
            && System.nanoTime() < until) {
          Thread.sleep(10);
        }
        stop.set(true);
        reader.join();
        long[] bySeq = new long[(int) last + 1];
        System.arraycopy(run.commitNanos(), 0, bySeq, 2, warmup + measured);
        return LagSamples.of(bySeq, 2 + warmup, last, arrivals);
      } finally {
        stop.set(true);
        if (reader != null) {
          reader.join();
        }
        if (follow != null) {
          ctx.stop(follow);
        }
        ctx.stop(replicate);
      }
    }
  }

  private static void poll(Path follower, AtomicBoolean stop, List<ReplicaProbe.Arrival> arrivals) {
    long seen = 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + follower + "?mode=ro");
        Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=5000");
      while (!stop.get()) {
        try (ResultSet r = st.executeQuery("SELECT coalesce(max(seq), 0) FROM t")) {
          r.next();
          long max = r.getLong(1);
          if (max > seen) {
            arrivals.add(new ReplicaProbe.Arrival(System.nanoTime(), max, false));
            seen = max;
          }
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (SQLException | InterruptedException e) {
      System.err.println("bench: P1F reader stopped: " + e);
    }
  }
}
