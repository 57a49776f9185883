package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Entry point of {@code bin/litestream4j-bench}: runs P1..P7 of the benchmark spec in one go and
 * writes {@code bench-results/<date>-<mode>/} (results.json, results.md, PNG plots; logs in raw/).
 * A benchmark that fails is reported as failed and the run continues. Child processes and scratch
 * data are removed at the end, also on Ctrl+C.
 */
public final class BenchMain {
  private static final String USAGE =
      """
      usage: litestream4j-bench [--quick] [--only P1,P2,...] [--out DIR] [--work DIR] [--repo DIR] [--peer PATH]
        --quick   smoke run (< 3 minutes); default is the full run
        --only    run only these benchmarks (P1..P7, P1F, P5R)
        --out     results directory (default: <repo>/bench-results/<date>-<quick|full>)
        --work    parent of the scratch directory (default: java.io.tmpdir); needs ~3x the largest DB free
        --repo    project root holding bin/litestream4j (default: current directory)
        --peer    Litestream 0.3.13 binary (default: <repo>/target/peers/litestream-0.3.13/litestream)
      """;

  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  private record Options(Plan plan, Set<String> only, Path out, Path work, Path repo, Path peer) {}

  static int run(String[] args) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("litestream4j-bench: " + e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
    if (o == null) {
      System.out.print(USAGE);
      return 0;
    }
    System.setProperty("java.awt.headless", "true");
    Cleanup cleanup = new Cleanup();
    Runtime.getRuntime()
        .addShutdownHook(Thread.ofPlatform().name("bench-cleanup").unstarted(cleanup::close));
    try {
      return runAll(o, cleanup);
    } catch (Exception e) {
      System.err.println("litestream4j-bench: " + e.getMessage());
      e.printStackTrace();
      return 1;
    } finally {
      cleanup.close();
    }
  }

  private static int runAll(Options o, Cleanup cleanup) throws Exception {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Path raw = o.out().resolve("raw");
    Files.createDirectories(raw);
    Path work = cleanup.tempDir(o.work(), "litestream4j-bench-");
    Tools tools = Tools.detect(o.repo(), o.peer(), raw);
    Context ctx = new Context(o.plan(), tools, work, raw, cleanup);
    ctx.progress(
        "%s run: litestream4j %s, peer %s, our restore: %s; results in %s",
        o.plan().name(),
        tools.oursVersion(),
        tools.peerVersion(),
        tools.oursRestoreCli() ? "CLI" : "in-process stand-in",
        o.out());
    List<Benchmark> all =
        List.of(
            new StartupBench(),
            new LagBench(),
            new ThroughputBench(),
            new StallBench(),
            new SyncThroughputBench(),
            new RestoreBench(),
            new RemoteRestoreBench(),
            new IdleBench(),
            new FollowLagBench());
    List<Section> sections = new ArrayList<>();
    for (Benchmark b : all.stream().sorted((a, c) -> a.id().compareTo(c.id())).toList()) {
      if (!o.only().isEmpty() && !o.only().contains(b.id())) {
        continue;
      }
      long b0 = System.nanoTime();
      int firstLog = ctx.sequence().get() + 1;
      ctx.progress("%s %s ...", b.id(), b.title());
      Section s;
      try {
        s = b.run(ctx);
      } catch (Exception e) {
        System.err.println("bench: " + b.id() + " failed:");
        e.printStackTrace();
        s = Section.failed(b.id(), b.title(), e);
      }
      sections.add(withFullFiles(ctx, s, firstLog));
      ctx.progress("%s done in %.0f s", b.id(), (System.nanoTime() - b0) / 1e9);
    }
    RunInfo info = RunInfo.of(o.plan(), tools, started, Duration.ofNanos(System.nanoTime() - t0));
    Report.write(o.out(), info, sections);
    long failures =
        sections.stream()
            .flatMap(s -> s.checks().stream())
            .filter(c -> c.verdict() == Check.Verdict.ERROR)
            .count();
    ctx.progress("finished in %s; %s", info.durationText(), o.out().resolve("results.md"));
    return failures == 0 ? 0 : 1;
  }

  /**
   * Adds to {@code s} the full L0 files of every litestream4j replicator the benchmark started
   * (logs {@code raw/NNN-ours-*.log} numbered from {@code firstLog}), one check per replicator run.
   */
  private static Section withFullFiles(Context ctx, Section s, int firstLog) throws IOException {
    List<FullFiles> runs = new ArrayList<>();
    try (var logs = Files.list(ctx.raw())) {
      for (Path log : logs.sorted().toList()) {
        String name = log.getFileName().toString();
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("(\\d{3})-(ours[^.]*)\\.log").matcher(name);
        if (m.matches() && Integer.parseInt(m.group(1)) >= firstLog) {
          runs.add(FullFiles.read(m.group(2), log));
        }
      }
    }
    if (runs.isEmpty()) {
      return s;
    }
    StringBuilder md =
        new StringBuilder(s.markdown())
            .append("\nFull L0 files written by litestream4j (from its logs; ")
            .append(
                "only the first sync is expected):\n\n| replicator run | full L0 files by reason |\n|---|---|\n");
    List<Check> checks = new ArrayList<>(s.checks());
    Map<String, Object> json = new java.util.LinkedHashMap<>(s.json());
    Map<String, Object> jf = new java.util.LinkedHashMap<>();
    for (FullFiles f : runs) {
      md.append("| ").append(f.log().getFileName()).append(" | ").append(f.format()).append(" |\n");
      checks.add(f.check(s.id()));
      jf.put(f.log().getFileName().toString(), f.byReason());
      ctx.progress("%s %s: full L0 files: %s", s.id(), f.log().getFileName(), f.format());
    }
    json.put("full_l0_files", jf);
    return new Section(s.id(), s.title(), md.toString(), json, checks, s.plots());
  }

  /** Parsed options, or null when help was asked for. */
  private static Options parse(String[] args) {
    Plan plan = Plan.FULL;
    Set<String> only = Set.of();
    Path out = null;
    Path work = Path.of(System.getProperty("java.io.tmpdir"));
    Path repo = Path.of("").toAbsolutePath();
    Path peer = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> plan = Plan.QUICK;
        case "--full" -> plan = Plan.FULL;
        case "--only" ->
            only =
                Arrays.stream(value(args, ++i, a).split(","))
                    .map(s -> s.strip().toUpperCase(Locale.ROOT))
                    .collect(Collectors.toSet());
        case "--out" -> out = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--work" -> work = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--repo" -> repo = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "--peer" -> peer = Path.of(value(args, ++i, a)).toAbsolutePath();
        case "-h", "--help" -> {
          return null;
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
      }
    }
    for (String id : only) {
      if (!id.matches("P[1-7]|P1F|P5R")) {
        throw new IllegalArgumentException(
            "--only takes benchmark ids P1..P7, P1F or P5R, got '" + id + "'");
      }
    }
    if (out == null) {
      out = repo.resolve("bench-results").resolve(LocalDate.now() + "-" + plan.name());
    }
    if (peer == null) {
      peer = repo.resolve("target/peers/litestream-0.3.13/litestream");
    }
    return new Options(plan, only, out, work, repo, peer);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
