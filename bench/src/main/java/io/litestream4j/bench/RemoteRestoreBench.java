package io.litestream4j.bench;

import io.litestream4j.config.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * P5R: restore from S3 across a slow network, and what {@code -parallelism} buys there. A replica
 * of many small files (a snapshot and {@value #DELTAS} L0 files, one per transaction, no compaction
 * levels configured) is served by s3proxy behind a {@link LatencyProxy} that adds {@value
 * #RTT_MILLIS} ms to every connection and request. Each round restores it with our {@code
 * -parallelism 1}, our default ({@code 8}) and Litestream 0.3.13 (its own replica of the same
 * database, same proxy), methods rotating. On loopback without the proxy the file count hardly
 * matters; with a real provider's round trip it decides the restore time.
 */
final class RemoteRestoreBench implements Benchmark {
  private static final int DELTAS = 48;
  private static final int DELTA_ROWS = 20;
  private static final long SIZE = 8L << 20;
  private static final long RTT_MILLIS = 40;

  enum Method {
    OURS_SEQUENTIAL("litestream4j restore -parallelism 1", false),
    OURS_PARALLEL("litestream4j restore (-parallelism 8)", false),
    PEER("Litestream 0.3.13 restore", true);

    final String label;
    final boolean peer;

    Method(String label, boolean peer) {
      this.label = label;
      this.peer = peer;
    }
  }

  private record Run(double seconds, long requests, long connections) {}

  @Override
  public String id() {
    return "P5R";
  }

  @Override
  public String title() {
    return "Restore from S3 with network latency: -parallelism";
  }

  @Override
  public Section run(Context ctx) throws Exception {
    StoreOptions noCompaction = StoreOptions.DEFAULTS.withLevels(List.of());
    RestoreBench.Fixture f =
        RestoreBench.fixture(ctx, "p5r", SIZE, DELTAS, DELTA_ROWS, noCompaction);
    List<Method> methods = new ArrayList<>(List.of(Method.OURS_SEQUENTIAL, Method.OURS_PARALLEL));
    if (f.peerReplica().isPresent()) {
      methods.add(Method.PEER);
    }
    Map<Method, List<Run>> runs = new EnumMap<>(Method.class);
    Map<Method, String> verified = new EnumMap<>(Method.class);
    methods.forEach(m -> runs.put(m, new ArrayList<>()));
    Map<String, Long> files;
    try (BenchS3 s3 = BenchS3.start(ctx.newDir("p5r-s3"));
        LatencyProxy proxy = LatencyProxy.start(s3.endpoint(), Duration.ofMillis(RTT_MILLIS))) {
      s3.putOurs(f.oursReplica(), "p5r/ours");
      if (f.peerReplica().isPresent()) {
        s3.putPeer(f.peerReplica().get(), "p5r/peer");
      }
      files = countFiles(f.oursReplica().resolve("ltx"));
      // Untimed: trains the launcher's S3 AOT cache on first use.
      Path warm = f.dir().resolve("warm-up.db");
      restore(ctx, f, Method.OURS_PARALLEL, warm, s3, proxy);
      Files.deleteIfExists(warm);
      for (int round = 0; round < ctx.plan().restoreRounds(); round++) {
        for (int k = 0; k < methods.size(); k++) {
          Method m = methods.get((k + round) % methods.size());
          Path out = f.dir().resolve("restored-" + m.name().toLowerCase() + "-" + round + ".db");
          Run r = restore(ctx, f, m, out, s3, proxy);
          runs.get(m).add(r);
          if (round == 0) {
            verified.put(m, RestoreBench.verify(f, m.peer, m.label, out));
          }
          Files.deleteIfExists(out);
          ctx.progress(
              "P5R round %d %-40s %.3f s, %d requests, %d connections",
              round + 1, m.label, r.seconds, r.requests, r.connections);
        }
      }
    } finally {
      Cleanup.deleteTree(f.dir());
    }
    return report(ctx, methods, runs, verified, files);
  }

  /** LTX files per level directory of a file replica ({@code "0"} -> 48, {@code "9"} -> 1). */
  private static Map<String, Long> countFiles(Path ltx) throws java.io.IOException {
    try (var s = Files.walk(ltx)) {
      return s.filter(Files::isRegularFile)
          .collect(
              java.util.stream.Collectors.groupingBy(
                  p -> "L" + Integer.parseInt(ltx.relativize(p).getName(0).toString()),
                  java.util.TreeMap::new,
                  java.util.stream.Collectors.counting()));
    }
  }

  private static Run restore(
      Context ctx, RestoreBench.Fixture f, Method m, Path out, BenchS3 s3, LatencyProxy proxy)
      throws Exception {
    long requestsBefore = proxy.requests();
    long connectionsBefore = proxy.connections();
    long t0 = System.nanoTime();
    switch (m) {
      case OURS_SEQUENTIAL, OURS_PARALLEL -> {
        List<String> cmd = new ArrayList<>(List.of(ctx.tools().ours().toString(), "restore"));
        if (m == Method.OURS_SEQUENTIAL) {
          cmd.addAll(List.of("-parallelism", "1"));
        }
        cmd.addAll(List.of("-o", out.toString(), s3.ourUrl("p5r/ours", proxy.endpoint())));
        RestoreBench.run(ctx, "litestream4j-restore-s3-latency", cmd, s3.env());
      }
      case PEER -> {
        Path db = f.dir().resolve("peer.db");
        Path config =
            s3.peerConfig(f.dir().resolve("peer-s3.yml"), db, "p5r/peer", proxy.endpoint());
        RestoreBench.run(
            ctx,
            "litestream-restore-s3-latency",
            List.of(
                ctx.tools().peer().orElseThrow().toString(),
                "restore",
                "-config",
                config.toString(),
                "-o",
                out.toString(),
                db.toString()),
            Map.of());
      }
    }
    return new Run(
        (System.nanoTime() - t0) / 1e9,
        proxy.requests() - requestsBefore,
        proxy.connections() - connectionsBefore);
  }

  private Section report(
      Context ctx,
      List<Method> methods,
      Map<Method, List<Run>> runs,
      Map<Method, String> verified,
      Map<String, Long> files) {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "A %d MiB database whose replica holds a snapshot and %d transactions synced one by one"
                + " (our replica's LTX files per level: %s; no compaction levels), on s3proxy behind a proxy"
                + " that adds %d ms to every new connection and every request; %d rounds, methods"
                + " rotating. Each restore is a process (JVM start-up included); requests and"
                + " connections are those that crossed the proxy.%n%n",
            SIZE >> 20, DELTAS, files, RTT_MILLIS, ctx.plan().restoreRounds()));
    md.append("| method | time s | requests | connections | verified |\n|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("round_trip_ms", RTT_MILLIS);
    json.put("our_replica_files", files);
    for (Method m : methods) {
      Spread t = Spread.of(runs.get(m).stream().map(Run::seconds).toList());
      Spread req = Spread.of(runs.get(m).stream().map(r -> (double) r.requests()).toList());
      Spread conn = Spread.of(runs.get(m).stream().map(r -> (double) r.connections()).toList());
      md.append(
          String.format(
              "| %s | %s | %s | %s | %s |%n",
              m.label, t.format(3), req.format(0), conn.format(0), verified.getOrDefault(m, "—")));
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("seconds", t.toJson());
      j.put("requests", req.toJson());
      j.put("connections", conn.toJson());
      j.put("verified", verified.getOrDefault(m, ""));
      json.put(m.name().toLowerCase(), j);
    }
    List<Check> checks = new ArrayList<>();
    Spread gain =
        Spread.ofPairRatios(
            seconds(runs.get(Method.OURS_SEQUENTIAL)), seconds(runs.get(Method.OURS_PARALLEL)));
    json.put("speedup_parallel_vs_sequential", gain.toJson());
    checks.add(
        new Check(
            "P5R",
            "S3 restore with " + RTT_MILLIS + " ms round trips: -parallelism 8 vs 1 (speed-up)",
            gain.format(2),
            "> 1.2",
            Check.Verdict.of(gain.median() > 1.2),
            "same-round pairs"));
    if (methods.contains(Method.PEER)) {
      Spread vsPeer =
          Spread.ofPairRatios(
              seconds(runs.get(Method.PEER)), seconds(runs.get(Method.OURS_PARALLEL)));
      json.put("ratio_ours_speed_vs_peer", vsPeer.toJson());
      checks.add(
          new Check(
              "P5R",
              "S3 restore with " + RTT_MILLIS + " ms round trips vs Litestream 0.3.13",
              vsPeer.format(2),
              ">= 1",
              Check.Verdict.of(vsPeer.median() >= 1),
              "same-round pairs, both with their default parallelism"));
    }
    md.append(
        "\nSpeed-up and ratios are taken within a round (time of the other method / our time).\n");
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }

  private static List<Double> seconds(List<Run> runs) {
    return runs.stream().map(Run::seconds).toList();
  }
}
