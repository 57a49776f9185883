package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Watches a file replica and records when each benchmark row became restorable from it.
 *
 * <p>How: every directory of the replica is watched with inotify (Java's {@link WatchService});
 * when a replica file is published (renamed into place, which both replicators do only once it is
 * complete and fsynced) the probe notes the time, decodes the file and finds the highest row stamp
 * ({@link SeqMarker}) in it. An {@link Arrival} says "at this time, every row up to this stamp was
 * in the replica": files are uploaded in order, so the earlier ones are already there. A rescan of
 * the whole tree every 250 ms catches anything the notifications missed; such arrivals are
 * flagged, since their time is late by up to the rescan period, and counted in the results.
 */
final class ReplicaProbe implements AutoCloseable {
  private static final Duration RESCAN = Duration.ofMillis(250);

  /** At {@code nanos} (System.nanoTime) the replica held every row up to {@code seq}. */
  record Arrival(long nanos, long seq, boolean byRescan) {}

  private final Path root;
  private final ReplicaLayout layout;
  private final WatchService watcher;
  private final Thread thread;
  private final Set<Path> watched = new HashSet<>();
  private final Set<Path> done = new HashSet<>();
  private final List<Arrival> arrivals = new ArrayList<>(); // guarded by this
  private long maxSeq; // guarded by this
  private int files; // guarded by this
  private int decodeRetries; // guarded by this
  private volatile boolean stopping;
  private volatile Throwable failure;

  ReplicaProbe(Path root, ReplicaLayout layout) throws IOException {
    this.root = root;
    this.layout = layout;
    Files.createDirectories(root);
    this.watcher = FileSystems.getDefault().newWatchService();
    watchTree(root);
    this.thread = Thread.ofPlatform().name("bench-probe").daemon(true).start(this::run);
  }

  private void run() {
    long nextRescan = System.nanoTime();
    try {
      while (!stopping) {
        long wait = Math.max(0, nextRescan - System.nanoTime());
        WatchKey key = watcher.poll(wait, TimeUnit.NANOSECONDS);
        long now = System.nanoTime();
        if (key != null) {
          Path dir = (Path) key.watchable();
          for (WatchEvent<?> ev : key.pollEvents()) {
            if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
              rescan(now, false);
            } else {
              Path p = dir.resolve((Path) ev.context());
              if (Files.isDirectory(p)) {
                watchTree(p);
                scan(p, now, false);
              } else {
                consider(p, now, false);
              }
            }
          }
          key.reset();
        }
        if (System.nanoTime() >= nextRescan) {
          rescan(System.nanoTime(), true);
          nextRescan = System.nanoTime() + RESCAN.toNanos();
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closing
    } catch (Throwable t) {
      failure = t;
    }
  }

  private void watchTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path d : s.filter(Files::isDirectory).toList()) {
        if (watched.add(d)) {
          d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        }
      }
    } catch (NoSuchFileException gone) {
      // A directory removed while we looked (retention); nothing to watch there.
    }
  }

  private void rescan(long now, boolean byRescan) throws IOException {
    watchTree(root);
    scan(root, now, byRescan);
  }

  private void scan(Path dir, long now, boolean byRescan) throws IOException {
    List<Path> found;
    try (Stream<Path> s = Files.walk(dir)) {
      found = s.filter(p -> !done.contains(p) && layout.isReplicaFile(p)).sorted().toList();
    } catch (NoSuchFileException gone) {
      return;
    }
    for (Path p : found) {
      consider(p, now, byRescan);
    }
  }

  private void consider(Path file, long now, boolean byRescan) {
    if (done.contains(file) || !layout.isReplicaFile(file)) {
      return;
    }
    long seq;
    try {
      seq = layout.maxSeq(file);
    } catch (NoSuchFileException gone) {
      done.add(file); // removed by retention/compaction before we read it; later files cover it
      return;
    } catch (IOException e) {
      synchronized (this) {
        decodeRetries++; // not complete yet (should not happen with renamed files); retried on rescan
      }
      return;
    }
    done.add(file);
    synchronized (this) {
      files++;
      maxSeq = Math.max(maxSeq, seq);
      arrivals.add(new Arrival(now, maxSeq, byRescan));
      notifyAll();
    }
  }

  /** Highest row stamp seen in the replica so far. */
  synchronized long maxSeq() {
    return maxSeq;
  }

  synchronized int files() {
    return files;
  }

  synchronized int decodeRetries() {
    return decodeRetries;
  }

  synchronized List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  /** Waits until row {@code seq} is in the replica; false on timeout. */
  synchronized boolean awaitSeq(long seq, Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (maxSeq < seq) {
      checkHealthy();
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
    return true;
  }

  private void checkHealthy() throws IOException {
    if (failure != null) {
      throw new IOException("replica probe of " + root + " failed: " + failure, failure);
    }
  }

  @Override
  public void close() throws IOException {
    stopping = true;
    watcher.close();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkHealthy();
  }
}
