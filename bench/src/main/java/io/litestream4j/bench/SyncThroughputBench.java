package io.litestream4j.bench;

import io.litestream4j.config.DbOptions;
import io.litestream4j.db.BaselineSource;
import io.litestream4j.db.Database;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.LtxEncoder;
import io.litestream4j.ltx.LtxHeader;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * P4: WAL-to-LTX sync throughput per CPU-second, against the codec-only ceiling. The application
 * writes {@code syncWalMb} of WAL (1 KB rows, checkpoints off), then one {@link Database#sync()}
 * turns it into L0 files; CPU time is that of the syncing thread. The ceiling is {@link LtxEncoder}
 * (CRC-64 + LZ4) encoding the same distinct pages from memory into nowhere. Both are measured in
 * this JVM, alternately, after one discarded warm-up pair.
 */
final class SyncThroughputBench implements Benchmark {
  private static final int WAL_HEADER = 32;
  private static final int FRAME_HEADER = 24;
  private static final double MIB = 1024.0 * 1024.0;

  @Override
  public String id() {
    return "P4";
  }

  @Override
  public String title() {
    return "WAL-to-LTX sync throughput per CPU-second";
  }

  private record Pair(
      double syncMibPerCpuS,
      double syncMibPerWallS,
      double codecMibPerCpuS,
      long walFrames,
      long distinctPages) {}

  @Override
  public Section run(Context ctx) throws Exception {
    Plan plan = ctx.plan();
    Path dir = ctx.newDir("p4");
    Path db = dir.resolve("app.db");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<Pair> pairs = new ArrayList<>();
    DbOptions options =
        DbOptions.DEFAULTS
            .withCheckpointInterval(Duration.ZERO)
            .withMinCheckpointPageCount(Integer.MAX_VALUE)
            .withTruncatePageCount(0);
    try (AppDb app = AppDb.open(db, 4);
        Database database =
            new Database(
                db,
                options,
                new LocalLtxDir(dir.resolve("meta")),
                BaselineSource.NONE,
                p -> {},
                Clock.systemUTC())) {
      app.execute("PRAGMA wal_autocheckpoint=0");
      app.insertBatch(1, 1000, 1024);
      database.sync(); // the initial full L0 file, not measured
      long walEnd = Files.size(database.walPath());
      long seq = 1001;
      for (int round = 0; round <= plan.syncRounds(); round++) {
        long target = walEnd + (long) plan.syncWalMb() * 1024 * 1024;
        while (Files.size(database.walPath()) < target) {
          app.insertBatch(seq, 1000, 1024);
          seq += 1000;
        }
        long newEnd = Files.size(database.walPath());
        long frames = (newEnd - walEnd) / (FRAME_HEADER + AppDb.PAGE_SIZE);

        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        database.sync();
        long wall = System.nanoTime() - wall0;
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;

        TreeMap<Integer, byte[]> pages = readFrames(database.walPath(), walEnd, newEnd);
        long codecCpu = encodeCpuNanos(mx, pages);
        long distinctBytes = (long) pages.size() * AppDb.PAGE_SIZE;
        walEnd = newEnd;
        Pair p =
            new Pair(
                distinctBytes / MIB / (cpu / 1e9),
                distinctBytes / MIB / (wall / 1e9),
                distinctBytes / MIB / (codecCpu / 1e9),
                frames,
                pages.size());
        ctx.progress(
            "P4 round %d%s: sync %.0f MiB/CPU-s (%.0f MiB/s wall), codec %.0f MiB/CPU-s, %d frames, %d distinct pages",
            round,
            round == 0 ? " (warm-up)" : "",
            p.syncMibPerCpuS,
            p.syncMibPerWallS,
            p.codecMibPerCpuS,
            frames,
            pages.size());
        if (round > 0) {
          pairs.add(p);
        }
      }
    }
    Cleanup.deleteTree(dir);
    return report(ctx, pairs);
  }

  /** The newest version of each page written to the WAL between two offsets. */
  private static TreeMap<Integer, byte[]> readFrames(Path wal, long from, long to)
      throws IOException {
    TreeMap<Integer, byte[]> pages = new TreeMap<>();
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
      ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER + AppDb.PAGE_SIZE);
      for (long off = Math.max(from, WAL_HEADER);
          off + frame.capacity() <= to;
          off += frame.capacity()) {
        frame.clear();
        while (frame.hasRemaining()) {
          if (ch.read(frame, off + frame.position()) < 0) {
            throw new IOException("WAL " + wal + " ended early at " + off);
          }
        }
        byte[] page = new byte[AppDb.PAGE_SIZE];
        System.arraycopy(frame.array(), FRAME_HEADER, page, 0, page.length);
        pages.put(frame.getInt(0), page);
      }
    }
    return pages;
  }

  private static long encodeCpuNanos(ThreadMXBean mx, TreeMap<Integer, byte[]> pages)
      throws IOException {
    int commit = pages.lastKey();
    LtxHeader header =
        LtxHeader.incremental(
            AppDb.PAGE_SIZE, commit, 2, 2, System.currentTimeMillis(), Checksums.FLAG | 1);
    long cpu0 = mx.getCurrentThreadCpuTime();
    try (LtxEncoder enc = new LtxEncoder(OutputStream.nullOutputStream(), header)) {
      for (Map.Entry<Integer, byte[]> e : pages.entrySet()) {
        if (e.getKey() != header.lockPgno()) {
          enc.writePage(e.getKey(), e.getValue());
        }
      }
      enc.finish(Checksums.FLAG | 2);
    }
    return mx.getCurrentThreadCpuTime() - cpu0;
  }

  private Section report(Context ctx, List<Pair> pairs) {
    Spread sync = Spread.of(pairs.stream().map(Pair::syncMibPerCpuS).toList());
    Spread wall = Spread.of(pairs.stream().map(Pair::syncMibPerWallS).toList());
    Spread codec = Spread.of(pairs.stream().map(Pair::codecMibPerCpuS).toList());
    Spread ratio =
        Spread.of(pairs.stream().map(p -> p.syncMibPerCpuS / p.codecMibPerCpuS).toList());
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            "%d MiB of WAL per sync (1 KB rows, %d rounds after a warm-up), "
                + "one `Database.sync()` in-process; throughput = distinct page bytes written into L0 per CPU-second of the "
                + "syncing thread (reading the WAL, CRC-64, LZ4, writing and fsyncing the file). Ceiling = `LtxEncoder` alone on "
                + "the same pages from memory.%n%n",
            ctx.plan().syncWalMb(), pairs.size()));
    md.append(
        "| sync MiB per CPU-s | sync MiB per wall-s | codec-only MiB per CPU-s | sync / codec (same round) |\n");
    md.append("|---|---|---|---|\n");
    md.append(
        String.format(
            "| %s | %s | %s | %s |%n",
            sync.format(0), wall.format(0), codec.format(0), ratio.format(2)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("wal_mib_per_sync", ctx.plan().syncWalMb());
    json.put("sync_mib_per_cpu_s", sync.toJson());
    json.put("sync_mib_per_wall_s", wall.toJson());
    json.put("codec_mib_per_cpu_s", codec.toJson());
    json.put("ratio", ratio.toJson());
    json.put("wal_frames_per_sync", pairs.stream().map(p -> (double) p.walFrames).toList());
    json.put("distinct_pages_per_sync", pairs.stream().map(p -> (double) p.distinctPages).toList());
    List<Check> checks =
        List.of(
            new Check(
                "P4",
                "sync throughput / codec-only ceiling (per CPU-second)",
                ratio.format(2)
                    + String.format(" (%.0f vs %.0f MiB/CPU-s)", sync.median(), codec.median()),
                ">= 0.5",
                Check.Verdict.of(ratio.median() >= 0.5),
                ""));
    return new Section(id(), title(), md.toString(), json, checks, List.of());
  }
}
