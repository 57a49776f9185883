package io.litestream4j;

import io.litestream4j.config.DbConfig;
import io.litestream4j.config.DirectoryEntry;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates every database of one {@code dir} entry through a {@link Replicator}, and — with
 * {@code watch: true} — keeps the set current while the process runs: a database that appears (also
 * in a new sub-directory, with {@code recursive}) starts replicating within a second, one that
 * disappears gets its final sync and is closed.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Only files the entry covers are replicated: name matches the pattern, content starts with
 *       the SQLite header; {@code -wal}/{@code -shm}/{@code -journal} files never are. A file
 *       created empty (SQLite writes the header with the first commit) is picked up on its first
 *       write.
 *   <li>File-system events are hints: they are debounced ({@value #DEBOUNCE_MILLIS} ms) and
 *       verified against the disk, and a rescan every {@link #RESCAN} (and after an event overflow)
 *       catches anything they missed.
 *   <li>No database is started twice, and databases replicated by other entries of the same process
 *       are left alone ({@link Replicator#add} refuses duplicates; they are logged once).
 *   <li>{@link #close()} stops watching and always returns; the databases themselves are shut down
 *       by the {@link Replicator}.
 * </ul>
 *
 * <p>One watcher thread per watched entry ({@code l4j-dir-<name>}); starting a database runs on a
 * virtual thread, bounded by the replicator's permits.
 */
public final class DirectoryReplication implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryReplication.class);
  static final long DEBOUNCE_MILLIS = 100;
  static final Duration RESCAN = Duration.ofSeconds(10);

  /** Starts replicating one discovered database (builds its options and replica client). */
  @FunctionalInterface
  public interface Starter {
    Replication start(DbConfig db) throws IOException;
  }

  private final DirectoryEntry entry;
  private final Replicator replicator;
  private final Starter starter;

  /** Databases this entry replicates (or is starting), by absolute path. */
  private final Set<Path> mine = ConcurrentHashMap.newKeySet();

  private final Set<Path> refused = ConcurrentHashMap.newKeySet();
  private final @Nullable WatchService watcher;
  private final Map<WatchKey, Path> keys = new HashMap<>();
  private final Set<Path> watchedDirs = new java.util.HashSet<>();
  private final @Nullable Thread thread;
  private volatile boolean closed;

  private DirectoryReplication(
      DirectoryEntry entry,
      Replicator replicator,
      Starter starter,
      @Nullable WatchService watcher) {
    this.entry = entry;
    this.replicator = replicator;
    this.starter = starter;
    this.watcher = watcher;
    this.thread =
        watcher == null
            ? null
            : Thread.ofPlatform()
                .name("l4j-dir-" + entry.dir().getFileName())
                .daemon(true)
                .unstarted(this::run);
  }

  /**
   * Replicates every database now in the entry's directory and, with {@code watch}, starts watching
   * it.
   *
   * @throws java.nio.file.NoSuchFileException when the directory does not exist
   * @throws IOException when no database was found and the entry is not watched (Litestream's rule:
   *     an unwatched, empty entry is a configuration mistake), or one could not be started
   */
  public static DirectoryReplication start(
      DirectoryEntry entry, Replicator replicator, Starter starter) throws IOException {
    WatchService ws = entry.watch() ? FileSystems.getDefault().newWatchService() : null;
    DirectoryReplication d = new DirectoryReplication(entry, replicator, starter, ws);
    try {
      if (ws != null) {
        d.registerTree(entry.dir());
      }
      List<DbConfig> found = entry.databases();
      if (found.isEmpty() && !entry.watch()) {
        throw new IOException(
            "no SQLite databases found in directory "
                + entry.dir()
                + " with pattern "
                + entry.entry().pattern().orElse(""));
      }
      d.startAll(found);
      LOG.atInfo()
          .addKeyValue("dir", entry)
          .log("{} database(s){}", found.size(), entry.watch() ? ", watching for changes" : "");
      if (d.thread != null) {
        d.thread.start();
      }
      return d;
    } catch (IOException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  public DirectoryEntry entry() {
    return entry;
  }

  /** The databases this entry replicates now, sorted. */
  public List<Path> databases() {
    return mine.stream().sorted().toList();
  }

  /** Starts {@code dbs} in parallel (their first syncs queue on the replicator's permits). */
  private void startAll(List<DbConfig> dbs) throws IOException {
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (DbConfig db : dbs) {
      threads.add(
          Thread.ofVirtual()
              .name("l4j-dir-start-" + db.path().orElseThrow().getFileName())
              .start(
                  () -> {
                    try {
                      startOne(db);
                    } catch (IOException | RuntimeException e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException(
            "interrupted while starting the databases of " + entry.dir());
      }
    }
    if (!failures.isEmpty()) {
      Exception first = failures.getFirst();
      IOException e =
          first instanceof IOException io ? io : new IOException(first.getMessage(), first);
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  private void startOne(DbConfig db) throws IOException {
    Path path = db.path().orElseThrow();
    if (!mine.add(path)) {
      return;
    }
    try {
      starter.start(db);
      LOG.atDebug().addKeyValue("dir", entry.dir()).addKeyValue("db", path).log("started");
    } catch (IllegalStateException e) {
      mine.remove(path);
      if (refused.add(path)) {
        LOG.atWarn()
            .addKeyValue("dir", entry.dir())
            .addKeyValue("db", path)
            .log("not started: {}", e.getMessage());
      }
    } catch (IOException | RuntimeException e) {
      mine.remove(path);
      throw e;
    }
  }

  private void stopOne(Path db) {
    if (mine.remove(db)) {
      boolean complete = replicator.remove(db);
      LOG.atInfo()
          .addKeyValue("dir", entry.dir())
          .addKeyValue("db", db)
          .log(
              "removed; replication stopped{}",
              complete ? " after its final upload" : " with uploads pending");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void registerTree(Path from) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            if (DirectoryEntry.isStateDirectory(d)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (watchedDirs.add(d)) {
              keys.put(
                  d.register(
                      watcher,
                      StandardWatchEventKinds.ENTRY_CREATE,
                      StandardWatchEventKinds.ENTRY_MODIFY,
                      StandardWatchEventKinds.ENTRY_DELETE),
                  d);
            }
            return d.equals(entry.dir()) || entry.recursive()
                ? FileVisitResult.CONTINUE
                : FileVisitResult.SKIP_SUBTREE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void run() {
    Set<Path> pending = new LinkedHashSet<>();
    Set<Path> newDirs = new LinkedHashSet<>();
    long nextRescan = System.nanoTime() + RESCAN.toNanos();
    try {
      while (!closed) {
        long wait =
            pending.isEmpty() && newDirs.isEmpty()
                ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextRescan - System.nanoTime()))
                : DEBOUNCE_MILLIS;
        WatchKey key = watcher.poll(wait, TimeUnit.MILLISECONDS);
        boolean overflow = false;
        while (key != null) {
          overflow |= collect(key, pending, newDirs);
          key = watcher.poll();
        }
        if (overflow || System.nanoTime() >= nextRescan) {
          rescan();
          nextRescan = System.nanoTime() + RESCAN.toNanos();
          pending.clear();
          newDirs.clear();
          continue;
        }
        if (wait == DEBOUNCE_MILLIS) {
          settle(pending, newDirs);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.atError()
          .addKeyValue("dir", entry.dir())
          .setCause(e)
          .log("watcher stopped: {}", e.getMessage());
    }
  }

  /** Records what one key's events touched; true on overflow (events were lost). */
  private boolean collect(WatchKey key, Set<Path> pending, Set<Path> newDirs) {
    Path dir = keys.get(key);
    boolean overflow = false;
    for (WatchEvent<?> ev : key.pollEvents()) {
      if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
        overflow = true;
        continue;
      }
      if (dir == null) {
        continue;
      }
      Path p = dir.resolve((Path) ev.context()).toAbsolutePath().normalize();
      if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE
          && entry.recursive()
          && Files.isDirectory(p)) {
        if (DirectoryEntry.isStateDirectory(p)) {
          continue;
        }
        newDirs.add(p);
      } else if (ev.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
        pending.add(p); // a deleted file, or a deleted directory with databases below it
      } else if (entry.nameMatches(p)) {
        pending.add(p);
      }
    }
    if (!key.reset()) {
      watchedDirs.remove(keys.remove(key)); // the directory is gone
    }
    return overflow;
  }

  /**
   * Acts on the debounced events: registers and scans new directories, starts and stops databases.
   */
  private void settle(Set<Path> pending, Set<Path> newDirs) {
    for (Path d : newDirs) {
      try {
        registerTree(d);
        for (Path db : entry.scan(d, mine::contains)) {
          pending.add(db);
        }
      } catch (IOException e) {
        LOG.atWarn()
            .addKeyValue("dir", entry.dir())
            .log("cannot watch new directory {}: {}", d, e.getMessage());
      }
    }
    newDirs.clear();
    List<Path> gone = new ArrayList<>();
    for (Path p : pending) {
      if (mine.contains(p)) {
        if (!Files.exists(p)) {
          gone.add(p);
        }
      } else if (!Files.exists(p)) {
        mine.stream().filter(m -> m.startsWith(p) && !Files.exists(m)).forEach(gone::add);
      } else if (entry.isDatabase(p)) {
        startAsync(p);
      }
    }
    pending.clear();
    stopAll(gone);
  }

  /** Full comparison of the directory with what is replicated. */
  private void rescan() {
    try {
      if (entry.recursive()) {
        registerTree(entry.dir());
      }
      List<Path> now = entry.scan(entry.dir(), mine::contains); // never reads what it replicates
      Set<Path> present = Set.copyOf(now);
      stopAll(mine.stream().filter(m -> !present.contains(m) && !Files.exists(m)).toList());
      for (Path p : now) {
        if (!mine.contains(p) && !refused.contains(p)) {
          startAsync(p);
        }
      }
    } catch (IOException e) {
      LOG.atWarn().addKeyValue("dir", entry.dir()).log("rescan failed: {}", e.getMessage());
    }
  }

  private void startAsync(Path db) {
    if (mine.contains(db) || closed) {
      return;
    }
    DbConfig config;
    try {
      config = entry.forDatabase(db);
      List<DbConfig> check = new ArrayList<>();
      for (Path m : mine) {
        check.add(entry.forDatabase(m));
      }
      check.add(config);
      DirectoryEntry.requireDistinctMetaPaths(check);
    } catch (RuntimeException e) {
      if (refused.add(db)) {
        LOG.atError()
            .addKeyValue("dir", entry.dir())
            .addKeyValue("db", db)
            .log("not replicated: {}", e.getMessage());
      }
      return;
    }
    Thread.ofVirtual()
        .name("l4j-dir-start-" + db.getFileName())
        .start(
            () -> {
              try {
                startOne(config);
                if (!Files.exists(db)) {
                  stopOne(db); // removed while it was starting
                }
              } catch (IOException | RuntimeException e) {
                LOG.atError()
                    .addKeyValue("dir", entry.dir())
                    .addKeyValue("db", db)
                    .log("cannot replicate: {}", e.getMessage());
              }
            });
  }

  private void stopAll(List<Path> gone) {
    List<Thread> stops = new ArrayList<>();
    for (Path db : gone) {
      stops.add(
          Thread.ofVirtual().name("l4j-dir-stop-" + db.getFileName()).start(() -> stopOne(db)));
    }
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops watching; the replications keep running until the replicator shuts them down. */
  @Override
  public void close() {
    closed = true;
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
    if (thread != null && thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
