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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Watches a file replica and records when each benchmark row became restorable from it.
 *
 * <p>How: every directory of the replica is watched with inotify (Java's {@link WatchService}).
 * When a replica file is published (renamed into place, which both replicators do only once it is
 * complete and fsynced) the watcher thread notes the time and queues the file; a second thread
 * decodes it and finds the highest row stamp ({@link SeqMarker}) in it, so decoding never delays
 * the time stamps of later files. An {@link Arrival} says "at this time, every row up to this stamp
 * was in the replica": files are uploaded in order, so the earlier ones are already there. A rescan
 * of the whole tree every second catches anything the notifications missed; such arrivals are
 * flagged (their time is late by up to the rescan period) and counted in the results.
 */
final class ReplicaProbe implements AutoCloseable {
  private static final Duration RESCAN = Duration.ofSeconds(1);

  /** At {@code nanos} (System.nanoTime) the replica held every row up to {@code seq}. */
  record Arrival(long nanos, long seq, boolean byRescan) {}

  private record Published(Path file, long nanos, boolean byRescan) {}

  private static final Published STOP = new Published(Path.of(""), 0, false);

  private final Path root;
  private final ReplicaLayout layout;
  private final WatchService watcher;
  private final Thread watchThread;
  private final Thread decodeThread;
  private final BlockingQueue<Published> published = new LinkedBlockingQueue<>();

  /**
   * Files queued for decoding, owned by the watcher thread; a file that fails to decode is removed
   * again.
   */
  private final Set<Path> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Set<Path> watched = new HashSet<>();
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
    this.decodeThread =
        Thread.ofPlatform().name("bench-probe-decode").daemon(true).start(this::decodeLoop);
    this.watchThread =
        Thread.ofPlatform().name("bench-probe-watch").daemon(true).start(this::watchLoop);
  }

  private void watchLoop() {
    long nextRescan = System.nanoTime();
    try {
      while (!stopping) {
        long wait = Math.max(0, nextRescan - System.nanoTime());
        WatchKey key = watcher.poll(wait, TimeUnit.NANOSECONDS);
        while (key != null) {
          long now = System.nanoTime();
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
                offer(p, now, false);
              }
            }
          }
          key.reset();
          key = watcher.poll(); // drain everything already signalled before anything else
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
    } finally {
      published.add(STOP);
    }
  }

  private void watchTree(Path dir) throws IOException {
    for (Path d : Trees.directories(dir)) {
      if (watched.add(d)) {
        try {
          d.register(
              watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (NoSuchFileException gone) {
          watched.remove(d); // removed while we looked (retention); nothing to watch there
        }
      }
    }
  }

  private void rescan(long now, boolean byRescan) throws IOException {
    watchTree(root);
    scan(root, now, byRescan);
  }

  private void scan(Path dir, long now, boolean byRescan) throws IOException {
    List<Path> found = Trees.files(dir, p -> !queued.contains(p) && layout.isReplicaFile(p));
    found.sort(null);
    for (Path p : found) {
      offer(p, now, byRescan);
    }
  }

  private void offer(Path file, long now, boolean byRescan) {
    if (layout.isReplicaFile(file) && queued.add(file)) {
      published.add(new Published(file, now, byRescan));
    }
  }

  private void decodeLoop() {
    try {
      while (true) {
        Published p = published.take();
        if (p == STOP) {
          return;
        }
        long seq;
        try {
          seq = layout.maxSeq(p.file());
        } catch (NoSuchFileException gone) {
          continue; // removed by retention before we read it; later files cover its rows
        } catch (IOException e) {
          synchronized (this) {
            decodeRetries++; // incomplete under its final name (should not happen); found again by
            // a rescan
          }
          queued.remove(p.file());
          continue;
        }
        synchronized (this) {
          files++;
          maxSeq = Math.max(maxSeq, seq);
          arrivals.add(new Arrival(p.nanos(), maxSeq, p.byRescan()));
          notifyAll();
        }
      }
    } catch (InterruptedException e) {
      // closing
    } catch (Throwable t) {
      failure = t;
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
  synchronized boolean awaitSeq(long seq, Duration timeout)
      throws InterruptedException, IOException {
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
      watchThread.join(Duration.ofSeconds(5));
      decodeThread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkHealthy();
  }
}
