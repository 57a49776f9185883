package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * P7: CLI start-up, the wall time from exec to exit the way a user or a script experiences it
 * (through the launcher, JDK lookup included), of {@code bin/litestream4j version} and of a restore
 * of a small database (about 400 KiB: a snapshot and five small transactions) from a file replica,
 * which is mostly start-up too. When the launcher supports a JDK AOT cache both are measured with
 * and without it ({@code LITESTREAM4J_AOT=0}); Litestream 0.3.13's {@code version} and its restore
 * of its own replica of the same database are timed alongside, all variants alternating. The
 * untimed first run of each restore is verified (integrity check and content digest).
 */
final class StartupBench implements Benchmark {
  /** Size of the small database restored. */
  private static final long SMALL_DB_BYTES = 384L * 1024;

  private static final int SMALL_DELTA_ROWS = 8;

  @Override
  public String id() {
    return "P7";
  }

  @Override
  public String title() {
    return "CLI start-up";
  }

  /**
   * One timed command; {@code output} is deleted before each run (a restore refuses to overwrite),
   * {@code method} says how the first output is verified.
   */
  private record Variant(
      String id,
      String label,
      List<String> command,
      Map<String, String> env,
      Optional<Path> output,
      Optional<RestoreBench.Method> method) {
    static Variant of(String id, String label, List<String> command, Map<String, String> env) {
      return new Variant(id, label, command, env, Optional.empty(), Optional.empty());
    }
  }

  @Override
  public Section run(Context ctx) throws Exception {
    Path launcher = ctx.tools().ours();
    List<Variant> variants = new ArrayList<>();
    boolean aot = launcherSupportsAot(launcher);
    Map<String, String> noAot = Map.of("LITESTREAM4J_AOT", "0");
    variants.add(
        Variant.of(
            "ours",
            aot ? "bin/litestream4j version (AOT cache, default)" : "bin/litestream4j version",
            List.of(launcher.toString(), "version"),
            Map.of()));
    if (aot) {
      variants.add(
          Variant.of(
              "ours-no-aot",
              "bin/litestream4j version, LITESTREAM4J_AOT=0",
              List.of(launcher.toString(), "version"),
              noAot));
    }
    ctx.tools()
        .peer()
        .ifPresent(
            p ->
                variants.add(
                    Variant.of(
                        "peer",
                        "litestream version (0.3.13, Go)",
                        List.of(p.toString(), "version"),
                        Map.of())));
    RestoreBench.Fixture small = null;
    if (ctx.tools().oursRestoreCli()) {
      small = RestoreBench.fixture(ctx, "p7-small", SMALL_DB_BYTES, SMALL_DELTA_ROWS);
      String size = String.format("%.0f KiB", small.bytes() / 1024.0);
      Path out = small.dir().resolve("restored-ours.db");
      List<String> restore =
          List.of(
              launcher.toString(),
              "restore",
              "-o",
              out.toString(),
              "file://" + small.oursReplica());
      variants.add(
          new Variant(
              "ours-restore",
              "bin/litestream4j restore, " + size + (aot ? " (AOT cache, default)" : ""),
              restore,
              Map.of(),
              Optional.of(out),
              Optional.of(RestoreBench.Method.OURS)));
      if (aot) {
        variants.add(
            new Variant(
                "ours-restore-no-aot",
                "bin/litestream4j restore, " + size + ", LITESTREAM4J_AOT=0",
                restore,
                noAot,
                Optional.of(out),
                Optional.of(RestoreBench.Method.OURS)));
      }
      if (small.peerReplica().isPresent()) {
        Path peerOut = small.dir().resolve("restored-peer.db");
        variants.add(
            new Variant(
                "peer-restore",
                "litestream restore (0.3.13, Go), " + size,
                List.of(
                    ctx.tools().peer().orElseThrow().toString(),
                    "restore",
                    "-o",
                    peerOut.toString(),
                    "file://" + small.peerReplica().get()),
                Map.of(),
                Optional.of(peerOut),
                Optional.of(RestoreBench.Method.PEER)));
      }
      // The physical limit next to both restores: the same database bytes copied and fsynced.
      Path cpOut = small.dir().resolve("copied.db");
      variants.add(
          new Variant(
              "cp",
              "cp + fsync (coreutils `sync FILE`) of the same database, " + size,
              List.of(
                  "sh",
                  "-c",
                  "cp \"$0\" \"$1\" && sync \"$1\"",
                  small.oursDb().toString(),
                  cpOut.toString()),
              Map.of(),
              Optional.of(cpOut),
              Optional.empty()));
    }
    // One untimed call of each: builds or refreshes caches (AOT) and warms the page cache; the
    // restores' results are verified.
    Map<String, String> verified = new LinkedHashMap<>();
    for (Variant v : variants) {
      time(ctx, v);
      if (v.method().isPresent()) {
        verified.put(
            v.id(), RestoreBench.verify(small, v.method().get(), v.output().orElseThrow()));
      }
    }
    Map<String, List<Double>> times = new LinkedHashMap<>();
    variants.forEach(v -> times.put(v.id(), new ArrayList<>()));
    for (int i = 0; i < ctx.plan().startupRuns(); i++) {
      for (Variant v : variants) {
        times.get(v.id()).add(time(ctx, v));
      }
    }
    if (small != null) {
      Cleanup.deleteTree(small.dir());
    }
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "Wall time from exec to exit, %d runs each, variants alternating (one untimed run first).%n%n",
            ctx.plan().startupRuns()));
    md.append("| command | wall time s |\n|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    for (Variant v : variants) {
      Spread s = Spread.of(times.get(v.id()));
      md.append(String.format("| %s | %s |%n", v.label(), s.format(3)));
      json.put(v.id(), Map.of("label", v.label(), "seconds", s.toJson()));
    }
    List<Check> checks = new ArrayList<>();
    Spread oursTime = Spread.of(times.get("ours"));
    checks.add(
        new Check(
            "P7",
            "`bin/litestream4j version` wall time" + (aot ? " (AOT cache)" : ""),
            oursTime.format(3) + " s",
            "<= 0.3 s (issue 14: <= 0.15 s)",
            Check.Verdict.of(oursTime.median() <= 0.3),
            oursTime.median() <= 0.15 ? "issue 14 target met" : "issue 14 target not met"));
    if (aot) {
      Spread speedup = Spread.ofPairRatios(times.get("ours-no-aot"), times.get("ours"));
      md.append(
          String.format(
              "%nAOT cache speed-up of `version` (same-round ratio without / with): %s%n",
              speedup.format(2)));
      json.put("aot_speedup", speedup.toJson());
    }
    if (small != null) {
      Spread restore = Spread.of(times.get("ours-restore"));
      checks.add(
          new Check(
              "P7",
              "`bin/litestream4j restore` of a " + small.bytes() / 1024 + " KiB database",
              restore.format(3) + " s",
              "<= 0.25 s (issue 14)",
              Check.Verdict.of(restore.median() <= 0.25),
              ""));
      if (aot) {
        Spread speedup =
            Spread.ofPairRatios(times.get("ours-restore-no-aot"), times.get("ours-restore"));
        md.append(
            String.format("AOT cache speed-up of the small restore: %s%n", speedup.format(2)));
        json.put("aot_speedup_restore", speedup.toJson());
      }
      if (times.containsKey("peer-restore")) {
        Spread vsPeer = Spread.ofPairRatios(times.get("peer-restore"), times.get("ours-restore"));
        md.append(
            String.format(
                "Small restore, Litestream 0.3.13 time / ours (same round; > 1 means we are faster): %s%n",
                vsPeer.format(2)));
        json.put("small_restore_peer_over_ours", vsPeer.toJson());
      }
      md.append("\nRestored databases (first, untimed run): ");
      verified.forEach((id, verdict) -> md.append(id).append(' ').append(verdict).append("; "));
      md.append('\n');
      json.put("small_restore_bytes", small.bytes());
    } else {
      md.append("\nA small `restore` is not timed: our CLI has no `restore` command yet.\n");
    }
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }

  /** The launcher advertises the AOT cache switch in its header comment. */
  private static boolean launcherSupportsAot(Path launcher) throws IOException {
    return Files.readString(launcher).contains("LITESTREAM4J_AOT");
  }

  private static double time(Context ctx, Variant v) throws Exception {
    if (v.output().isPresent()) {
      Files.deleteIfExists(v.output().get());
    }
    Path log = ctx.logFile("p7-" + v.id());
    long t0 = System.nanoTime();
    int code = Child.run(v.id(), v.command(), log, v.env(), Duration.ofMinutes(5));
    double s = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      throw new IOException(
          String.join(" ", v.command()) + " failed (exit " + code + "):\n" + Logs.tail(log, 20));
    }
    Files.deleteIfExists(log);
    return s;
  }
}
