package io.litestream4j.db;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File-change notifications for databases and their WALs, so a commit is picked up within
 * milliseconds instead of at the next poll. One watcher thread serves every database of a process.
 * Notifications are hints only: the monitor's poll remains the safety net, so a missed or coalesced
 * event delays a sync by at most one monitor interval and never loses data.
 *
 * <p>A busy database writes its WAL tens of thousands of times a second, and each write is an event
 * the JDK's watch service and this thread would have to process. A subscriber that cannot use more
 * than one notification per quiet period (its sync interval) says so in {@link #watch}: after an
 * event its directory is unwatched for that period and then watched again, and its subscribers are
 * told once more on re-arming, because the files may have changed meanwhile. A directory's quiet
 * period is the shortest of its subscribers'.
 */
public final class ChangeNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifier.class);

  private final WatchService watcher;
  private final Thread thread;
  private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();

  /** Directory -> (file name -> subscriptions); guarded by being concurrent collections. */
  private final Map<Path, Map<String, List<Subscription>>> subscribers = new ConcurrentHashMap<>();

  /** Directories unwatched for their quiet period -> when to watch them again (nanoTime). */
  private final Map<Path, Long> rearmAt = new ConcurrentHashMap<>();

  private record Subscription(Runnable onChange, long quietNanos) {}

  public ChangeNotifier() throws IOException {
    this.watcher = FileSystems.getDefault().newWatchService();
    this.thread = Thread.ofPlatform().name("l4j-watch").daemon(true).start(this::run);
  }

  /** Calls {@code onChange} whenever {@code file} is created or modified. */
  public void watch(Path file, Runnable onChange) throws IOException {
    watch(file, Duration.ZERO, onChange);
  }

  /**
   * Calls {@code onChange} when {@code file} is created or modified, at most about once per {@code
   * quietPeriod} (zero: on every event).
   */
  public void watch(Path file, Duration quietPeriod, Runnable onChange) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    subscribers
        .computeIfAbsent(dir, d -> new ConcurrentHashMap<>())
        .computeIfAbsent(abs.getFileName().toString(), n -> new CopyOnWriteArrayList<>())
        .add(new Subscription(onChange, quietPeriod.toNanos()));
    keys.computeIfAbsent(dir, this::register);
  }

  private @Nullable WatchKey register(Path dir) {
    try {
      return dir.register(
          watcher,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      LOG.warn("cannot watch {} for changes ({}); relying on the poll", dir, e.getMessage());
      return null;
    }
  }

  public void unwatch(Path file, Runnable onChange) {
    Path abs = file.toAbsolutePath();
    Map<String, List<Subscription>> byName = subscribers.get(abs.getParent());
    if (byName != null) {
      List<Subscription> list = byName.get(abs.getFileName().toString());
      if (list != null) {
        list.removeIf(s -> s.onChange() == onChange);
      }
    }
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watcher.poll(untilNextRearm(), TimeUnit.NANOSECONDS);
        rearmDue();
        if (key == null) {
          continue;
        }
        Path dir = (Path) key.watchable();
        Map<String, List<Subscription>> byName = subscribers.get(dir);
        boolean fired = false;
        for (WatchEvent<?> ev : key.pollEvents()) {
          if (byName == null) {
            continue;
          }
          if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
            byName.values().forEach(ChangeNotifier::fireAll);
            fired = true;
            continue;
          }
          List<Subscription> list = byName.get(ev.context().toString());
          if (list != null && !list.isEmpty()) {
            fireAll(list);
            fired = true;
          }
        }
        long quiet = fired ? quietPeriod(byName) : 0;
        if (quiet > 0 && keys.get(dir) == key) {
          key.cancel(); // events during the quiet period are not wanted: the subscribers sync
          // later anyway
          keys.remove(dir, key);
          rearmAt.put(dir, System.nanoTime() + quiet);
        } else {
          key.reset();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // shutting down
    }
  }

  /** The shortest quiet period of the directory's subscribers (0 when any wants every event). */
  private static long quietPeriod(Map<String, List<Subscription>> byName) {
    long min = Long.MAX_VALUE;
    for (List<Subscription> list : byName.values()) {
      for (Subscription s : list) {
        min = Math.min(min, s.quietNanos());
      }
    }
    return min == Long.MAX_VALUE ? 0 : min;
  }

  private long untilNextRearm() {
    long now = System.nanoTime();
    long next = Long.MAX_VALUE;
    for (long at : rearmAt.values()) {
      next = Math.min(next, Math.max(0, at - now));
    }
    return next == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(60) : Math.max(1, next);
  }

  /** Watches again the directories whose quiet period has passed, and tells their subscribers. */
  private void rearmDue() {
    long now = System.nanoTime();
    for (var e : rearmAt.entrySet()) {
      if (e.getValue() - now <= 0 && rearmAt.remove(e.getKey(), e.getValue())) {
        Path dir = e.getKey();
        WatchKey key = register(dir);
        if (key != null) {
          keys.put(dir, key);
        }
        Map<String, List<Subscription>> byName = subscribers.get(dir);
        if (byName != null) {
          byName.values().forEach(ChangeNotifier::fireAll); // changes of the quiet period
        }
      }
    }
  }

  private static void fireAll(List<Subscription> list) {
    for (Subscription s : list) {
      try {
        s.onChange().run();
      } catch (RuntimeException e) {
        LOG.warn("change callback failed", e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
    thread.interrupt();
  }
}
