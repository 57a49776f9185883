package io.litestream4j.db;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File-change notifications for databases and their WALs, so a commit is picked up within
 * milliseconds instead of at the next poll. One watcher thread serves every database of a
 * process. Notifications are hints only: the monitor's poll remains the safety net, so a missed or
 * coalesced event delays a sync by at most one monitor interval and never loses data.
 */
public final class ChangeNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifier.class);

  private final WatchService watcher;
  private final Thread thread;
  private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();
  /** Directory -> (file name -> callbacks); guarded by being concurrent collections. */
  private final Map<Path, Map<String, List<Runnable>>> subscribers = new ConcurrentHashMap<>();

  public ChangeNotifier() throws IOException {
    this.watcher = FileSystems.getDefault().newWatchService();
    this.thread = Thread.ofPlatform().name("l4j-watch").daemon(true).start(this::run);
  }

  /** Calls {@code onChange} whenever {@code file} is created or modified. */
  public void watch(Path file, Runnable onChange) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    keys.computeIfAbsent(dir, d -> {
      try {
        return d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      } catch (IOException e) {
        LOG.warn("cannot watch {} for changes ({}); relying on the poll", d, e.getMessage());
        return null;
      }
    });
    subscribers.computeIfAbsent(dir, d -> new ConcurrentHashMap<>())
        .computeIfAbsent(abs.getFileName().toString(), n -> new CopyOnWriteArrayList<>())
        .add(onChange);
  }

  public void unwatch(Path file, Runnable onChange) {
    Path abs = file.toAbsolutePath();
    Map<String, List<Runnable>> byName = subscribers.get(abs.getParent());
    if (byName != null) {
      List<Runnable> list = byName.get(abs.getFileName().toString());
      if (list != null) {
        list.remove(onChange);
      }
    }
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        Path dir = (Path) key.watchable();
        Map<String, List<Runnable>> byName = subscribers.get(dir);
        for (WatchEvent<?> ev : key.pollEvents()) {
          if (byName == null) {
            continue;
          }
          if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
            byName.values().forEach(l -> l.forEach(ChangeNotifier::fire));
            continue;
          }
          List<Runnable> list = byName.get(ev.context().toString());
          if (list != null) {
            list.forEach(ChangeNotifier::fire);
          }
        }
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // shutting down
    }
  }

  private static void fire(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("change callback failed", e);
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
    thread.interrupt();
  }
}
