package io.litestream4j.bench;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.StoreOptions;
import io.litestream4j.ltx.DatabaseChecksum;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * P5: restore speed. For each size, one database is replicated by us and (a copy of it) by
 * Litestream 0.3.13, each replica holding the initial snapshot plus five later transactions. Each
 * round then restores the latest state three ways, in rotating order: {@code cp} of the same
 * database bytes followed by fsync (the physical limit), our restore, and Litestream 0.3.13's
 * {@code restore}. The first round also verifies every restored database. Nothing is timed while
 * the kernel still writes out the fixture ({@link #settle}).
 */
final class RestoreBench implements Benchmark {
  private static final int DELTAS = 5;
  private static final int DELTA_ROWS = 500;
  private static final int HISTORY_MB = 100;
  private static final int HISTORY_DELTAS = 100;
  private static final int HISTORY_ROWS = 20;

  /**
   * One fixture to restore: {@code sizeMb} of rows, then {@code deltas} transactions of {@code
   * deltaRows} rows, each replicated on its own. The size rows have 5 large transactions (little
   * since the snapshot, the peer's best case); the history row has {@value #HISTORY_DELTAS} small
   * ones, as a replica has a few minutes after its snapshot (Litestream 0.3.13 then replays that
   * many WAL segments, we merge that many L0 files).
   */
  private record Case(String key, String label, int sizeMb, int deltas, int deltaRows) {
    static Case ofSize(int sizeMb) {
      return new Case(sizeMb + "MiB", sizeMb + " MiB", sizeMb, DELTAS, DELTA_ROWS);
    }

    static Case history() {
      return new Case(
          HISTORY_MB + "MiB-history",
          HISTORY_MB + " MiB + " + HISTORY_DELTAS + " tx",
          HISTORY_MB,
          HISTORY_DELTAS,
          HISTORY_ROWS);
    }

    boolean isHistory() {
      return deltas != DELTAS;
    }
  }

  enum Method {
    CP("cp + fsync", false),
    OURS("litestream4j restore", false),
    PEER("Litestream 0.3.13 restore", true),
    S3_OURS("litestream4j restore, S3", false),
    S3_PEER("Litestream 0.3.13 restore, S3", true);

    final String label;
    final boolean peer;

    Method(String label, boolean peer) {
      this.label = label;
      this.peer = peer;
    }
  }

  /** A database of one size, replicated by both replicators, with what a restore must reproduce. */
  record Fixture(
      long bytes,
      Path dir,
      Path oursDb,
      Path oursReplica,
      long oursChecksum,
      String oursDigest,
      Optional<Path> peerReplica,
      String peerDigest) {}

  private record Run(double seconds, Map<String, Double> phases) {}

  @Override
  public String id() {
    return "P5";
  }

  @Override
  public String title() {
    return "Restore speed";
  }

  @Override
  public Section run(Context ctx) throws Exception {
    Plan plan = ctx.plan();
    List<Method> methods = new ArrayList<>(List.of(Method.CP, Method.OURS));
    if (ctx.tools().hasPeer()) {
      methods.add(Method.PEER);
    }
    try (BenchS3 s3 = startS3(ctx)) {
      if (s3 != null) {
        methods.add(Method.S3_OURS);
        if (ctx.tools().hasPeer()) {
          methods.add(Method.S3_PEER);
        }
      }
      return run(ctx, plan, methods, s3);
    }
  }

  /** The S3 server for the S3 rows, or null (rows left out) if it does not start. */
  private static BenchS3 startS3(Context ctx) throws IOException {
    try {
      return BenchS3.start(ctx.newDir("p5-s3"));
    } catch (Exception e) {
      ctx.progress("P5: no S3 rows, s3proxy did not start: %s", e);
      return null;
    }
  }

  private Section run(Context ctx, Plan plan, List<Method> methods, BenchS3 s3) throws Exception {
    Map<Case, Map<Method, List<Run>>> results = new LinkedHashMap<>();
    Map<Case, Map<Method, String>> verified = new LinkedHashMap<>();
    Map<Case, Long> bytes = new LinkedHashMap<>();
    boolean s3WarmedUp = false;
    List<Case> cases = new ArrayList<>(plan.restoreSizesMb().stream().map(Case::ofSize).toList());
    cases.add(Case.history());
    for (Case c : cases) {
      String name = "p5-" + c.key();
      Fixture f =
          fixture(
              ctx,
              name,
              c.sizeMb() * 1024L * 1024L,
              c.deltas(),
              c.deltaRows(),
              StoreOptions.DEFAULTS);
      if (s3 != null) {
        s3.putOurs(f.oursReplica(), name + "/ours");
        f.peerReplica().ifPresent(r -> putPeer(s3, r, name + "/peer"));
      }
      bytes.put(c, f.bytes());
      if (s3 != null && !s3WarmedUp) {
        // Untimed: the first s3:// command trains the launcher's S3 AOT cache (bin/litestream4j).
        Path warm = f.dir().resolve("warm-up-s3.db");
        restore(ctx, f, Method.S3_OURS, warm, s3, name);
        Files.deleteIfExists(warm);
        s3WarmedUp = true;
      }
      settle(ctx, name);
      Map<Method, List<Run>> runs = new EnumMap<>(Method.class);
      Map<Method, String> checks = new EnumMap<>(Method.class);
      methods.forEach(m -> runs.put(m, new ArrayList<>()));
      for (int round = 0; round < plan.restoreRounds(); round++) {
        for (int k = 0; k < methods.size(); k++) {
          Method m = methods.get((k + round) % methods.size());
          Path out = f.dir().resolve("restored-" + m.name().toLowerCase() + "-" + round + ".db");
          Run r = restore(ctx, f, m, out, s3, name);
          runs.get(m).add(r);
          if (round == 0) {
            checks.put(m, verify(f, m, out));
          }
          Files.deleteIfExists(out);
          ctx.progress(
              "P5 %s round %d %-26s %.3f s (%.0f MiB/s)",
              c.label(), round + 1, m.label, r.seconds, f.bytes() / 1048576.0 / r.seconds);
        }
      }
      results.put(c, runs);
      verified.put(c, checks);
      Cleanup.deleteTree(f.dir());
    }
    return report(ctx, methods, results, verified, bytes);
  }

  /**
   * A database of about {@code size} bytes in a new directory {@code name}, replicated by us and (a
   * copy of it) by the peer when there is one; each replica holds the initial snapshot and {@value
   * #DELTAS} later transactions of {@code deltaRows} rows. Also used by P7's small restore.
   */
  static Fixture fixture(Context ctx, String name, long size, int deltaRows) throws Exception {
    return fixture(ctx, name, size, DELTAS, deltaRows, StoreOptions.DEFAULTS);
  }

  /**
   * Like {@link #fixture(Context, String, long, int)} with {@code deltas} transactions, each synced
   * on its own (one L0 file each unless {@code store} compacts them meanwhile).
   */
  static Fixture fixture(
      Context ctx, String name, long size, int deltas, int deltaRows, StoreOptions store)
      throws Exception {
    Path dir = ctx.newDir(name);
    Path base = dir.resolve("base.db");
    long rows;
    try (AppDb app = AppDb.open(base, 5)) {
      rows = app.fillTo(size, (int) Math.clamp(size / (1024 * 16), 1, 2000));
    }
    Path oursDb = dir.resolve("ours.db");
    Path oursReplica = dir.resolve("ours-replica");
    AppDb.copyDatabase(base, oursDb);
    try (Replication r =
            Replication.start(
                ReplicationOptions.of(oursDb, "file://" + oursReplica)
                    .withSyncInterval(Duration.ZERO)
                    .withStore(store));
        AppDb app = AppDb.open(oursDb, 6)) {
      r.syncAndAwait(Duration.ofMinutes(5));
      for (int k = 0; k < deltas; k++) {
        app.insertBatch(rows + 1 + (long) k * deltaRows, deltaRows, 1024);
        r.syncAndAwait(Duration.ofMinutes(1));
      }
    }
    try (AppDb app = AppDb.open(oursDb, 6)) {
      app.checkpointTruncate();
    }
    long checksum = DatabaseChecksum.of(oursDb);
    String digest = AppDb.contentDigest(oursDb);

    Optional<Path> peerReplica = Optional.empty();
    String peerDigest = "";
    if (ctx.tools().hasPeer()) {
      Replicator peer = new Replicator.Peer(ctx.tools().peer().orElseThrow());
      Path peerDb = dir.resolve("peer.db");
      Target t = new Target(peerDb, dir.resolve("peer-replica"));
      AppDb.copyDatabase(base, peerDb);
      try (ReplicaProbe probe = new ReplicaProbe(t.replica(), peer.layout());
          AppDb app = AppDb.open(peerDb, 6)) {
        Child child = peer.start(ctx, List.of(t), dir);
        try {
          peer.awaitSnapshots(child, List.of(t), Duration.ofMinutes(5));
          for (int k = 0; k < deltas; k++) {
            long first = rows + 1 + (long) k * deltaRows;
            app.insertBatch(first, deltaRows, 1024);
            if (!probe.awaitSeq(first + deltaRows - 1, Duration.ofMinutes(1))) {
              throw new IOException(
                  "Litestream 0.3.13 did not replicate row "
                      + (first + deltaRows - 1)
                      + " within a minute; log "
                      + child.log());
            }
          }
        } finally {
          ctx.stop(child);
        }
      }
      peerReplica = Optional.of(t.replica());
      peerDigest = AppDb.contentDigest(peerDb);
    }
    Files.delete(base);
    ctx.progress(
        "%s fixture ready (%d bytes, %d rows, replicas with a snapshot + %d transactions)",
        name, Files.size(oursDb), rows + (long) deltas * deltaRows, deltas);
    return new Fixture(
        Files.size(oursDb), dir, oursDb, oursReplica, checksum, digest, peerReplica, peerDigest);
  }

  private static void putPeer(BenchS3 s3, Path replica, String path) {
    try {
      s3.putPeer(replica, path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Run restore(Context ctx, Fixture f, Method m, Path out, BenchS3 s3, String s3Path)
      throws Exception {
    Map<String, Double> phases = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    switch (m) {
      case CP -> {
        run(ctx, "cp", List.of("cp", f.oursDb().toString(), out.toString()));
        long t1 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        phases.put("copy_s", (t1 - t0) / 1e9);
        phases.put("fsync_s", (System.nanoTime() - t1) / 1e9);
      }
      case OURS -> {
        if (ctx.tools().oursRestoreCli()) {
          run(
              ctx,
              "litestream4j-restore",
              List.of(
                  ctx.tools().ours().toString(),
                  "restore",
                  "-o",
                  out.toString(),
                  "file://" + f.oursReplica()));
        } else {
          L0Restore r = L0Restore.restore(f.oursReplica(), out);
          phases.put("plan_s", r.planNanos() / 1e9);
          phases.put("download_and_apply_s", r.applyNanos() / 1e9);
          phases.put("fsync_s", r.fsyncNanos() / 1e9);
        }
      }
      case PEER ->
          run(
              ctx,
              "litestream-restore",
              List.of(
                  ctx.tools().peer().orElseThrow().toString(),
                  "restore",
                  "-o",
                  out.toString(),
                  "file://" + f.peerReplica().orElseThrow()));
      case S3_OURS ->
          run(
              ctx,
              "litestream4j-restore-s3",
              List.of(
                  ctx.tools().ours().toString(),
                  "restore",
                  "-o",
                  out.toString(),
                  s3.ourUrl(s3Path + "/ours")),
              s3.env());
      case S3_PEER -> {
        Path db = f.dir().resolve("peer.db");
        Path config = s3.peerConfig(f.dir().resolve("peer-s3.yml"), db, s3Path + "/peer");
        run(
            ctx,
            "litestream-restore-s3",
            List.of(
                ctx.tools().peer().orElseThrow().toString(),
                "restore",
                "-config",
                config.toString(),
                "-o",
                out.toString(),
                db.toString()));
      }
    }
    return new Run((System.nanoTime() - t0) / 1e9, phases);
  }

  /**
   * Writes out the page cache the fixture left dirty (its databases and replicas: gigabytes at 1
   * GiB) before anything is timed. Otherwise the kernel flushes it during the first rounds, and
   * whichever restore runs then shares the disk and a core with that flush; a real restore runs on
   * a machine that is not busy writing out its own copy of the data.
   */
  private static void settle(Context ctx, String name) throws Exception {
    long t0 = System.nanoTime();
    run(ctx, "sync-" + name, List.of("sync"));
    ctx.progress(
        "%s: dirty pages written out before timing (sync, %.2f s)",
        name, (System.nanoTime() - t0) / 1e9);
  }

  private static void run(Context ctx, String name, List<String> command) throws Exception {
    run(ctx, name, command, Map.of());
  }

  static void run(Context ctx, String name, List<String> command, Map<String, String> env)
      throws Exception {
    Path log = ctx.logFile(name);
    int code = Child.run(name, command, log, env, Duration.ofMinutes(10));
    if (code != 0) {
      throw new IOException(name + " failed with exit code " + code + ":\n" + Logs.tail(log, 20));
    }
  }

  /** Checks a restored database; returns a one-line verdict including how long the check took. */
  static String verify(Fixture f, Method m, Path out) throws Exception {
    return verify(f, m.peer, m.label, out);
  }

  /** Checks a database restored from the peer's replica ({@code peer}) or ours. */
  static String verify(Fixture f, boolean peer, String label, Path out) throws Exception {
    long t0 = System.nanoTime();
    String integrity = AppDb.integrityCheck(out, f.bytes() > 256L << 20);
    String digest = AppDb.contentDigest(out);
    String expected = peer ? f.peerDigest() : f.oursDigest();
    boolean ok = integrity.equals("ok") && digest.equals(expected);
    String extra = "";
    if (!peer) {
      boolean same = DatabaseChecksum.of(out) == f.oursChecksum();
      ok &= same;
      extra = same ? ", page checksum equal" : ", PAGE CHECKSUM DIFFERS";
    }
    double s = (System.nanoTime() - t0) / 1e9;
    if (!ok) {
      throw new IOException(
          label
              + " produced a wrong database ("
              + integrity
              + ", content digest "
              + (digest.equals(expected) ? "equal" : "differs")
              + extra
              + "): "
              + out);
    }
    return String.format(
        "ok (%s, content digest equal%s; %.2f s)",
        f.bytes() > 256L << 20 ? "quick_check" : "integrity_check", extra, s);
  }

  private Section report(
      Context ctx,
      List<Method> methods,
      Map<Case, Map<Method, List<Run>>> results,
      Map<Case, Map<Method, String>> verified,
      Map<Case, Long> bytes)
      throws IOException {
    boolean cli = ctx.tools().oursRestoreCli();
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "Latest-state restore from a file replica on the same disk (page cache warm, the "
                + "fixture's dirty pages written out with `sync` first), %d rounds, "
                + "methods in rotating order. Replicas: initial snapshot + %d transactions of %d rows, "
                + "each replicated on its own; the row `%s` has %d transactions of %d rows instead "
                + "(a few minutes of history since the snapshot: Litestream 0.3.13 replays that many "
                + "WAL segments, we merge that many L0 files). Our restore: %s.%n%n",
            ctx.plan().restoreRounds(),
            DELTAS,
            DELTA_ROWS,
            Case.history().label(),
            HISTORY_DELTAS,
            HISTORY_ROWS,
            cli
                ? "`bin/litestream4j restore -o OUT file:///replica` as a process (JVM start-up included)"
                : "**stand-in** — our CLI has no `restore` command yet, so the replica's L0 files are applied in-process "
                    + "with `LtxApplier.restore` (list + one-pass merge/apply + fsync; no JVM start-up)"));
    if (methods.contains(Method.S3_OURS)) {
      md.append(
          "S3 rows: the same replicas' files copied into s3proxy 4.1.0 (filesystem store, signatures"
              + " checked) running in the harness's process on loopback; ours restores"
              + " `s3://bench/…?endpoint=…`, Litestream 0.3.13 through a configuration file naming"
              + " the endpoint.\n\n");
    }
    md.append(
        "| DB size | method | time s | MiB/s | phases (median s) | verified |\n|---|---|---|---|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put(
        "our_restore", cli ? "cli" : "in-process LtxApplier stand-in (no restore command yet)");
    List<Check> checks = new ArrayList<>();
    Map<String, List<Plots.Point>> plot = new LinkedHashMap<>();
    for (Map.Entry<Case, Map<Method, List<Run>>> e : results.entrySet()) {
      Case c = e.getKey();
      String size = c.label();
      double mib = bytes.get(c) / 1048576.0;
      Map<String, Object> js = new LinkedHashMap<>();
      js.put("bytes", bytes.get(c));
      js.put("transactions_since_snapshot", c.deltas());
      for (Method m : methods) {
        List<Run> runs = e.getValue().get(m);
        Spread t = Spread.of(runs.stream().map(Run::seconds).toList());
        Spread speed = Spread.of(runs.stream().map(r -> mib / r.seconds).toList());
        Map<String, Double> phases = medianPhases(runs);
        String label = m == Method.OURS && !cli ? m.label + " (stand-in)" : m.label;
        md.append(
            String.format(
                "| %s | %s | %s | %s | %s | %s |%n",
                size,
                label,
                t.format(3),
                speed.format(0),
                phases.isEmpty()
                    ? "—"
                    : phases.entrySet().stream()
                        .map(
                            p ->
                                String.format(
                                    "%s %.3f", p.getKey().replace("_s", ""), p.getValue()))
                        .toList()
                        .toString()
                        .replaceAll("[\\[\\]]", ""),
                m == Method.CP ? "—" : verified.get(c).getOrDefault(m, "—")));
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("seconds", t.toJson());
        j.put("mib_per_s", speed.toJson());
        j.put("phases_median_s", phases);
        j.put("verified", verified.get(c).getOrDefault(m, ""));
        js.put(m.name().toLowerCase(), j);
        if (!c.isHistory()) {
          plot.computeIfAbsent(label, k -> new ArrayList<>())
              .add(new Plots.Point(mib, t.median(), t.min(), t.max()));
        }
      }
      Spread vsCp =
          Spread.ofPairRatios(
              seconds(e.getValue().get(Method.CP)), seconds(e.getValue().get(Method.OURS)));
      js.put("ratio_ours_speed_vs_cp", vsCp.toJson());
      boolean judged = c.sizeMb() >= 100;
      checks.add(
          new Check(
              "P5",
              "restore speed vs cp, " + size + (cli ? "" : " (stand-in)"),
              vsCp.format(2),
              ">= 0.5",
              judged ? Check.Verdict.of(vsCp.median() >= 0.5) : Check.Verdict.INFO,
              judged ? "same-round pairs" : "small size: fixed costs dominate, not judged"));
      if (methods.contains(Method.PEER)) {
        Spread vsPeer =
            Spread.ofPairRatios(
                seconds(e.getValue().get(Method.PEER)), seconds(e.getValue().get(Method.OURS)));
        js.put("ratio_ours_speed_vs_peer", vsPeer.toJson());
        checks.add(
            new Check(
                "P5",
                "restore speed vs Litestream 0.3.13, " + size + (cli ? "" : " (stand-in)"),
                vsPeer.format(2),
                "> 1",
                judged ? Check.Verdict.of(vsPeer.median() > 1) : Check.Verdict.INFO,
                judged ? "same-round pairs" : "small size: fixed costs dominate, not judged"));
      }
      if (methods.contains(Method.S3_PEER)) {
        Spread vsPeer =
            Spread.ofPairRatios(
                seconds(e.getValue().get(Method.S3_PEER)),
                seconds(e.getValue().get(Method.S3_OURS)));
        js.put("ratio_ours_s3_speed_vs_peer_s3", vsPeer.toJson());
        checks.add(
            new Check(
                "P5",
                "S3 restore speed vs Litestream 0.3.13 (s3proxy on loopback), " + size,
                vsPeer.format(2),
                ">= 1",
                judged ? Check.Verdict.of(vsPeer.median() >= 1) : Check.Verdict.INFO,
                judged ? "same-round pairs" : "small size: fixed costs dominate, not judged"));
      }
      json.put(c.key(), js);
    }
    md.append(
        "\nRatios are speed ratios within the same round (time of the other method / our time): "
            + "≥ 1 means we are at least as fast.\n");
    String file = "p5-restore-time-vs-size.png";
    Plots.logLog(
        ctx.out().resolve(file),
        "P5 restore time vs database size (median, min–max)",
        "database size (MiB)",
        "restore time (s)",
        plot);
    md.append("\n![restore time vs size](").append(file).append(")\n");
    return new Section(id(), title(), md.toString(), json, checks, List.of(file));
  }

  private static Map<String, Double> medianPhases(List<Run> runs) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (runs.isEmpty()) {
      return out;
    }
    for (String k : runs.getFirst().phases().keySet()) {
      out.put(
          k,
          Spread.of(runs.stream().map(r -> r.phases().getOrDefault(k, Double.NaN)).toList())
              .median());
    }
    return out;
  }

  private static List<Double> seconds(List<Run> runs) {
    return runs.stream().map(Run::seconds).toList();
  }
}
