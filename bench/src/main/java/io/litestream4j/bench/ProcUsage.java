package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time and memory of one process, read from Linux {@code /proc}. CPU is taken two ways:
 * per-thread {@code schedstat} run time (nanosecond resolution; time of threads that exit between
 * two samples is lost) and the process's {@code utime+stime} (every thread, but 10 ms ticks). Idle
 * costs are far below one tick per second, so the nanosecond figure is the one reported and the
 * tick figure is kept as a cross-check.
 *
 * @param threadNanos run time per live thread id
 * @param tickNanos utime + stime of the whole process, in nanoseconds
 * @param rssKb resident set size
 */
record ProcUsage(
    long pid, long takenNanos, Map<Long, Long> threadNanos, long tickNanos, long rssKb) {
  private static final long TICK_NANOS = 10_000_000L; // USER_HZ is 100 on Linux

  static ProcUsage read(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    Map<Long, Long> threads = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
      for (Path task : tasks) {
        try {
          String s = Files.readString(task.resolve("schedstat")).trim();
          threads.put(
              Long.parseLong(task.getFileName().toString()), Long.parseLong(s.split(" ")[0]));
        } catch (NoSuchFileException exited) {
          // The thread ended while we were listing; its time is lost (see the class comment).
        }
      }
    }
    String stat = Files.readString(proc.resolve("stat"));
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    long rss = 0;
    for (String line : Files.readAllLines(proc.resolve("status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new ProcUsage(pid, System.nanoTime(), Map.copyOf(threads), ticks * TICK_NANOS, rss);
  }

  /** Open file descriptors of {@code pid} now. */
  static int descriptors(long pid) throws IOException {
    try (java.util.stream.Stream<Path> fds =
        Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return (int) fds.count();
    }
  }

  /** Threads of the process at this sample. */
  int threads() {
    return threadNanos.size();
  }

  /**
   * CPU nanoseconds used between {@code earlier} and this sample (per-thread, see class comment).
   */
  long cpuNanosSince(ProcUsage earlier) {
    long sum = 0;
    for (Map.Entry<Long, Long> e : threadNanos.entrySet()) {
      sum += e.getValue() - earlier.threadNanos.getOrDefault(e.getKey(), 0L);
    }
    return sum;
  }

  long tickNanosSince(ProcUsage earlier) {
    return tickNanos - earlier.tickNanos;
  }

  /** Total CPU nanoseconds of several processes between two samples of each, in the same order. */
  static long cpuNanos(List<ProcUsage> before, List<ProcUsage> after) {
    long sum = 0;
    for (int i = 0; i < before.size(); i++) {
      sum += after.get(i).cpuNanosSince(before.get(i));
    }
    return sum;
  }
}
