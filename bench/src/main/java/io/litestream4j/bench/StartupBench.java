package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * P7: CLI start-up, the wall time of {@code bin/litestream4j version} from exec to exit, measured
 * the way a user or a script experiences it (through the launcher, JDK lookup included). When the
 * launcher supports a JDK AOT cache it is measured with and without it ({@code LITESTREAM4J_AOT=0}),
 * alternating; Litestream 0.3.13's {@code version} (a Go binary) is timed alongside as a
 * reference. With a restore command, a small restore is timed as well.
 */
final class StartupBench implements Benchmark {
  @Override
  public String id() {
    return "P7";
  }

  @Override
  public String title() {
    return "CLI start-up";
  }

  private record Variant(String id, String label, List<String> command, Map<String, String> env) {}

  @Override
  public Section run(Context ctx) throws Exception {
    Path launcher = ctx.tools().ours();
    List<Variant> variants = new ArrayList<>();
    boolean aot = launcherSupportsAot(launcher);
    variants.add(new Variant("ours", aot ? "bin/litestream4j version (AOT cache, default)" : "bin/litestream4j version",
        List.of(launcher.toString(), "version"), Map.of()));
    if (aot) {
      variants.add(new Variant("ours-no-aot", "bin/litestream4j version, LITESTREAM4J_AOT=0",
          List.of(launcher.toString(), "version"), Map.of("LITESTREAM4J_AOT", "0")));
    }
    ctx.tools().peer().ifPresent(p -> variants.add(new Variant("peer", "litestream version (0.3.13, Go)",
        List.of(p.toString(), "version"), Map.of())));
    // One untimed call of each: builds or refreshes caches (AOT) and warms the page cache.
    for (Variant v : variants) {
      time(ctx, v);
    }
    Map<String, List<Double>> times = new LinkedHashMap<>();
    variants.forEach(v -> times.put(v.id(), new ArrayList<>()));
    for (int i = 0; i < ctx.plan().startupRuns(); i++) {
      for (Variant v : variants) {
        times.get(v.id()).add(time(ctx, v));
      }
    }
    StringBuilder md = new StringBuilder();
    md.append(String.format("Wall time from exec to exit, %d runs each, variants alternating (one untimed run first).%n%n",
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
    checks.add(new Check("P7", "`bin/litestream4j version` wall time" + (aot ? " (AOT cache)" : ""),
        oursTime.format(3) + " s", "<= 0.3 s", Check.Verdict.of(oursTime.median() <= 0.3), ""));
    if (aot) {
      List<Double> r = new ArrayList<>();
      for (int i = 0; i < times.get("ours").size(); i++) {
        r.add(times.get("ours-no-aot").get(i) / times.get("ours").get(i));
      }
      Spread speedup = Spread.of(r);
      md.append(String.format("%nAOT cache speed-up (same-round ratio without / with): %s%n", speedup.format(2)));
      json.put("aot_speedup", speedup.toJson());
    }
    md.append("\nA small `restore` is not timed: ").append(ctx.tools().oursRestoreCli()
        ? "see P5 for restore through the CLI." : "our CLI has no `restore` command yet.").append('\n');
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }

  /** The launcher advertises the AOT cache switch in its header comment. */
  private static boolean launcherSupportsAot(Path launcher) throws IOException {
    return Files.readString(launcher).contains("LITESTREAM4J_AOT");
  }

  private static double time(Context ctx, Variant v) throws Exception {
    Path log = ctx.logFile("p7-" + v.id());
    long t0 = System.nanoTime();
    int code = Child.run(v.id(), v.command(), log, v.env(), Duration.ofMinutes(5));
    double s = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      throw new IOException(String.join(" ", v.command()) + " failed (exit " + code + "):\n" + Logs.tail(log, 20));
    }
    Files.deleteIfExists(log);
    return s;
  }
}
