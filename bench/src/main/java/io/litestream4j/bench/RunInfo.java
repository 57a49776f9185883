package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where and how a run happened, so that figures from different runs are never compared blindly. */
record RunInfo(
    String mode,
    Instant started,
    Duration duration,
    String host,
    String cpu,
    int cpus,
    long memMib,
    String kernel,
    String java,
    String commit,
    String oursVersion,
    String peerVersion,
    String ourRestore) {

  static RunInfo of(Plan plan, Tools tools, Instant started, Duration duration) {
    return new RunInfo(
        plan.name(),
        started,
        duration,
        hostName(),
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        readMemMib(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
        gitCommit(tools.repo()),
        tools.oursVersion(),
        tools.peerVersion(),
        tools.oursRestoreCli()
            ? "CLI (bin/litestream4j restore)"
            : "in-process LtxApplier stand-in (CLI has no restore yet)");
  }

  private static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static long readMemMib() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).stream()
          .filter(l -> l.startsWith("MemTotal:"))
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024)
          .findFirst()
          .orElse(0L);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String gitCommit(Path repo) {
    try {
      Path log = Files.createTempFile("bench-git-", ".log");
      try {
        int code =
            Child.run(
                "git",
                List.of("git", "-C", repo.toString(), "describe", "--always", "--dirty"),
                log,
                Map.of(),
                Duration.ofSeconds(20));
        return code == 0 ? Files.readString(log).strip() : "?";
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", mode);
    m.put("started", started.toString());
    m.put("duration_s", duration.toMillis() / 1000.0);
    m.put("host", host);
    m.put("cpu", cpu);
    m.put("cpus", cpus);
    m.put("mem_mib", memMib);
    m.put("os", kernel);
    m.put("java", java);
    m.put("commit", commit);
    m.put("litestream4j", oursVersion);
    m.put("peer", peerVersion);
    m.put("our_restore", ourRestore);
    return m;
  }

  /** "2m 41s" */
  String durationText() {
    long s = Math.round(duration.toMillis() / 1000.0);
    return s >= 60 ? String.format("%dm %02ds", s / 60, s % 60) : s + "s";
  }
}
