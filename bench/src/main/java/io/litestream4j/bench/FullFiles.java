package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Full L0 files (every page of the database) our replicator wrote during one scenario, by reason,
 * read from its log line {@code wrote full L0 file at TXID … (N pages, reason: R): …}. Only the
 * first sync of a database is expected; any other reason means the replicator lost track of the WAL
 * and uploaded the whole database, which fails the scenario.
 */
record FullFiles(String scenario, Path log, Map<String, Long> byReason) {
  private static final Pattern LINE =
      Pattern.compile("wrote full L0 file at TXID \\S+ \\(\\d+ pages, reason: ([^)]+)\\)");
  static final String EXPECTED = "first sync";

  static FullFiles read(String scenario, Path log) throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (var lines = Files.lines(log)) {
      lines.forEach(
          l -> {
            Matcher m = LINE.matcher(l);
            if (m.find()) {
              counts.merge(m.group(1), 1L, Long::sum);
            }
          });
    }
    return new FullFiles(scenario, log, counts);
  }

  long unexpected() {
    return byReason.entrySet().stream()
        .filter(e -> !e.getKey().equals(EXPECTED))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  String format() {
    return byReason.isEmpty()
        ? "none"
        : byReason.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
  }

  /** The check for results.md: FAIL when any full file had another reason than the first sync. */
  Check check(String benchmarkId) {
    return new Check(
        benchmarkId,
        "full L0 files, " + scenario + " (" + log.getFileName() + ")",
        format(),
        "only \"" + EXPECTED + "\"",
        Check.Verdict.of(unexpected() == 0),
        "from the replicator's log");
  }
}
