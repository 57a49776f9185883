package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A replicator under test, always run as a real process with a config file, exactly as an operator
 * would run it: litestream4j through {@code bin/litestream4j replicate -config}, Litestream 0.3.13
 * through its own binary. Both replicate to file replicas on the local disk.
 */
sealed interface Replicator {
  /** Short, stable id used in results.json (e.g. {@code ours-low-latency}). */
  String id();

  /** What a reader of results.md sees, with the settings that matter. */
  String label();

  ReplicaLayout layout();

  /** The config file for {@code targets}. */
  String config(List<Target> targets);

  List<String> command(Path config);

  /**
   * Writes the config into {@code dir} and starts the replicator; the child is stopped at cleanup.
   */
  default Child start(Context ctx, List<Target> targets, Path dir) throws IOException {
    Path config = dir.resolve(id() + ".yml");
    Files.writeString(config, config(targets));
    return ctx.start(id(), command(config));
  }

  /**
   * Waits until every target's replica holds a snapshot (the replicator is then past its start-up
   * and initial upload), failing early with the log's tail if the process dies.
   */
  default void awaitSnapshots(Child child, List<Target> targets, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int ready = 0;
    while (ready < targets.size()) {
      if (!child.isAlive()) {
        throw new IOException(
            child.name()
                + " exited before its initial snapshot; log "
                + child.log()
                + ":\n"
                + Logs.tail(child.log(), 15));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            child.name()
                + ": only "
                + ready
                + " of "
                + targets.size()
                + " replicas have a snapshot after "
                + timeout
                + "; log "
                + child.log()
                + ":\n"
                + Logs.tail(child.log(), 15));
      }
      if (layout().hasSnapshot(targets.get(ready).replica())) {
        ready++;
      } else {
        Thread.sleep(5);
      }
    }
  }

  /**
   * Waits until the replicator's start-up work on every target is done, so that what it uploads
   * afterwards is the cost of idleness: for litestream4j the first compactions and the snapshot
   * (the store's first round ends with the L9 file); Litestream 0.3.13's snapshot is already its
   * start-up. Returns without waiting when the timeout passes (the idle window then shows it).
   */
  default void awaitStartupDone(Child child, List<Target> targets, Duration timeout)
      throws IOException, InterruptedException {}

  /**
   * litestream4j with the given settings. {@code syncInterval} zero uploads each L0 file as soon as
   * it is written; commits are noticed through file-change notifications, with {@code
   * monitorInterval} as the polling safety net.
   */
  record Ours(
      String id, String label, Path launcher, Duration syncInterval, Duration monitorInterval)
      implements Replicator {

    static Ours defaults(Path launcher) {
      return new Ours(
          "ours-default",
          "litestream4j, defaults (sync-interval 1s, monitor-interval 1s)",
          launcher,
          Duration.ofSeconds(1),
          Duration.ofSeconds(1));
    }

    static Ours lowLatency(Path launcher) {
      return new Ours(
          "ours-low-latency",
          "litestream4j, low latency (sync-interval 0, monitor-interval 100ms)",
          launcher,
          Duration.ZERO,
          Duration.ofMillis(100));
    }

    @Override
    public ReplicaLayout layout() {
      return new ReplicaLayout.Ltx();
    }

    @Override
    public void awaitStartupDone(Child child, List<Target> targets, Duration timeout)
        throws IOException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Target t : targets) {
        Path snapshots = t.replica().resolve("ltx").resolve("9");
        while (Trees.files(snapshots, layout()::isReplicaFile).isEmpty()) {
          if (!child.isAlive() || System.nanoTime() > deadline) {
            return;
          }
          Thread.sleep(20);
        }
      }
    }

    @Override
    public String config(List<Target> targets) {
      StringBuilder sb = new StringBuilder("dbs:\n");
      for (Target t : targets) {
        sb.append("  - path: \"")
            .append(t.db().toAbsolutePath())
            .append("\"\n")
            .append("    monitor-interval: ")
            .append(monitorInterval.toMillis())
            .append("ms\n")
            .append("    replica:\n")
            .append("      url: \"")
            .append(t.replicaUrl())
            .append("\"\n")
            .append("      sync-interval: ")
            .append(syncInterval.toMillis())
            .append("ms\n");
      }
      return sb.toString();
    }

    @Override
    public List<String> command(Path config) {
      return List.of(launcher.toString(), "replicate", "-config", config.toString());
    }
  }

  /** Litestream 0.3.13 from npm with its defaults (monitor-interval 1s, sync-interval 1s). */
  record Peer(Path binary) implements Replicator {
    @Override
    public String id() {
      return "litestream-0.3.13";
    }

    @Override
    public String label() {
      return "Litestream 0.3.13, defaults (sync-interval 1s, monitor-interval 1s)";
    }

    @Override
    public ReplicaLayout layout() {
      return new ReplicaLayout.Litestream03();
    }

    @Override
    public String config(List<Target> targets) {
      StringBuilder sb = new StringBuilder("dbs:\n");
      for (Target t : targets) {
        sb.append("  - path: \"")
            .append(t.db().toAbsolutePath())
            .append("\"\n")
            .append("    replicas:\n")
            .append("      - url: \"")
            .append(t.replicaUrl())
            .append("\"\n");
      }
      return sb.toString();
    }

    @Override
    public List<String> command(Path config) {
      return List.of(binary.toString(), "replicate", "-config", config.toString());
    }
  }
}
