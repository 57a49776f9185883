package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes results.json and results.md for a finished run (each written to a temporary file first).
 */
final class Report {
  private Report() {}

  static void write(Path out, RunInfo info, List<Section> sections) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run", info.toJson());
    json.put(
        "targets", sections.stream().flatMap(s -> s.checks().stream()).map(Check::toJson).toList());
    Map<String, Object> benchmarks = new LinkedHashMap<>();
    for (Section s : sections) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("title", s.title());
      b.putAll(s.json());
      if (!s.plots().isEmpty()) {
        b.put("plots", s.plots());
      }
      benchmarks.put(s.id(), b);
    }
    json.put("benchmarks", benchmarks);
    atomicWrite(out.resolve("results.json"), Json.write(json));
    atomicWrite(out.resolve("results.md"), markdown(info, sections));
  }

  private static String markdown(RunInfo info, List<Section> sections) {
    StringBuilder md = new StringBuilder();
    md.append("# litestream4j benchmark — ")
        .append(info.started().toString(), 0, 10)
        .append(" (")
        .append(info.mode())
        .append(" run)\n\n");
    md.append("Measured by `bin/litestream4j-bench")
        .append(info.mode().equals("quick") ? " --quick" : "")
        .append("` in ")
        .append(info.durationText())
        .append(" (build excluded). Every figure is **median (min – max)** ")
        .append(
            "over repeated runs; every comparison is a ratio of runs made side by side in the same round. ")
        .append(
            "The machine is shared and noisy: compare ratios, not absolute numbers from different days.\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| host | ")
        .append(info.cpus())
        .append(" CPUs (")
        .append(info.cpu())
        .append("), ")
        .append(info.memMib())
        .append(" MiB RAM, ")
        .append(info.kernel())
        .append(" |\n");
    md.append("| JDK | ").append(info.java()).append(" |\n");
    md.append("| litestream4j | ")
        .append(info.oursVersion())
        .append(", commit ")
        .append(info.commit())
        .append(" |\n");
    md.append("| peer | Litestream ")
        .append(info.peerVersion())
        .append(" (npm `@flydotio/litestream-linux-x64@1.0.1`) |\n");
    md.append("| our restore | ").append(info.ourRestore()).append(" |\n");
    md.append("| replicas | file replicas on the local disk (no network) |\n\n");

    md.append(
        "## Targets\n\n| # | metric | measured | target | verdict | note |\n|---|---|---|---|---|---|\n");
    for (Section s : sections) {
      for (Check c : s.checks()) {
        md.append(
            String.format(
                "| %s | %s | %s | %s | %s | %s |%n",
                c.id(),
                c.metric(),
                c.measured(),
                c.target(),
                c.verdict() == Check.Verdict.PASS ? "pass" : "**" + c.verdict().text + "**",
                c.note().replace("|", "/")));
      }
    }
    for (Section s : sections) {
      md.append("\n## ")
          .append(s.id())
          .append(" — ")
          .append(s.title())
          .append("\n\n")
          .append(s.markdown());
    }
    md.append(
        """

        ## Reproduce

        ```sh
        bin/litestream4j-bench --quick      # smoke run, < 3 minutes
        bin/litestream4j-bench              # full run (2 GB stall test, 1 GiB restore, 1000 idle DBs, longer windows)
        bin/litestream4j-bench --only P1,P5 # selected benchmarks
        ```

        The launcher builds the CLI and the harness on first use and installs Litestream 0.3.13 from npm with
        `scripts/install-peers.sh`. Child-process logs and raw lag samples go to `raw/` next to this file (not committed).
        """);
    return md.toString();
  }

  private static void atomicWrite(Path target, String content) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(temp, content);
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
