package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The programs a run measures, found once at start: our launcher {@code bin/litestream4j}, the
 * Litestream 0.3.13 binary installed by {@code scripts/install-peers.sh} (optional: without it the
 * side-by-side comparisons are reported as skipped), and whether our CLI has a {@code restore}
 * command yet.
 */
record Tools(
    Path repo,
    Path ours,
    String oursVersion,
    boolean oursRestoreCli,
    Optional<Path> peer,
    String peerVersion) {

  static Tools detect(Path repo, Path peerBinary, Path raw)
      throws IOException, InterruptedException {
    Path ours = repo.resolve("bin/litestream4j");
    if (!Files.isExecutable(ours)) {
      throw new IOException(
          ours + " not found or not executable; pass --repo with the project root");
    }
    Path versionLog = raw.resolve("000-ours-version.log");
    int code =
        Child.run(
            "litestream4j version",
            List.of(ours.toString(), "version"),
            versionLog,
            Map.of(),
            Duration.ofMinutes(10));
    if (code != 0) {
      throw new IOException(
          "bin/litestream4j version failed (exit " + code + "):\n" + Logs.tail(versionLog, 20));
    }
    String oursVersion = lastLine(versionLog);
    Path restoreLog = raw.resolve("000-ours-restore-help.log");
    boolean restore =
        Child.run(
                "litestream4j restore -h",
                List.of(ours.toString(), "restore", "-h"),
                restoreLog,
                Map.of(),
                Duration.ofMinutes(1))
            == 0;

    Optional<Path> peer = Optional.empty();
    String peerVersion = "not installed";
    if (Files.isExecutable(peerBinary)) {
      Path peerLog = raw.resolve("000-peer-version.log");
      if (Child.run(
              "litestream version",
              List.of(peerBinary.toString(), "version"),
              peerLog,
              Map.of(),
              Duration.ofSeconds(30))
          == 0) {
        peer = Optional.of(peerBinary);
        peerVersion = lastLine(peerLog);
      }
    }
    return new Tools(repo, ours, oursVersion, restore, peer, peerVersion);
  }

  private static String lastLine(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return lines.isEmpty() ? "?" : lines.getLast().strip();
  }

  boolean hasPeer() {
    return peer.isPresent();
  }
}
