package io.litestream4j.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicator's one read descriptor on a database file and one on its WAL, held for the life of
 * the {@link Database} (the lock rule is in its class comment).
 *
 * <p>The database file's descriptor is opened once and closed only by {@link #close()} (or when the
 * file at the path turned out to be another file, after the caller closed its connections). Closing
 * it releases every POSIX lock this process holds on the file, SQLite's included, so when {@link
 * #close()} finds that this process still holds locks on it (an application's connections in the
 * same JVM, read from {@code /proc/locks}), the descriptor is kept open until the process exits
 * instead; without {@code /proc/locks} it is always kept.
 *
 * <p>SQLite never locks the {@code -wal} file (its WAL locks live in {@code -shm}), so the WAL's
 * descriptor may be replaced when SQLite deletes and recreates the file. The {@code -shm} file is
 * never opened, only {@code stat}ed.
 *
 * <p>Channels are {@link ReadOnlyFileChannel}s: a thread interrupt cannot close them behind the
 * replicator's back. Methods are called under the database's monitor; the channels they return may
 * be read from any thread.
 */
final class DatabaseFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseFiles.class);

  /**
   * Descriptors that could not be closed without dropping SQLite locks this process still holds.
   * Process-wide on purpose: POSIX locks belong to the process, so the descriptors that carry them
   * must live as long as it does.
   */
  private static final List<Kept> KEPT_UNTIL_EXIT = new ArrayList<>();

  /** A kept descriptor and the file it is open on ({@link FileIdentities#keyOf}). */
  private record Kept(@Nullable Object key, FileChannel channel) {}

  private final Path dbPath;
  private final Path walPath;
  private @Nullable FileChannel db;
  private @Nullable Object dbKey;
  private long dbInode;
  private @Nullable FileChannel wal;

  DatabaseFiles(Path dbPath, Path walPath) {
    this.dbPath = dbPath;
    this.walPath = walPath;
  }

  /**
   * The database file's descriptor, opened on first use.
   *
   * @throws NoSuchFileException when the database file does not exist
   */
  FileChannel db() throws IOException {
    if (db == null) {
      Object key = FileIdentities.keyOf(dbPath);
      long inode = ProcessLocks.inode(dbPath);
      FileChannel kept = takeKept(key);
      db = kept != null ? kept : ReadOnlyFileChannel.open(dbPath);
      dbKey = key;
      dbInode = inode;
    }
    return db;
  }

  /** The WAL's descriptor, opened on first use; null while there is no WAL file. */
  @Nullable FileChannel wal() throws IOException {
    if (wal == null) {
      try {
        wal = ReadOnlyFileChannel.open(walPath);
      } catch (NoSuchFileException e) {
        return null;
      }
    }
    return wal;
  }

  /**
   * After the caller closed its connections because the files were replaced: forgets the WAL's
   * descriptor and, if the database path now names another file (or none), the database file's.
   */
  void filesReplaced() throws IOException {
    closeWal();
    if (db != null && !java.util.Objects.equals(dbKey, FileIdentities.keyOf(dbPath))) {
      release(db, dbKey, dbPath, dbInode);
      db = null;
      dbKey = null;
    }
  }

  private void closeWal() {
    if (wal != null) {
      try {
        wal.close(); // SQLite holds no locks on the WAL file
      } catch (IOException ignored) {
        // nothing to release
      }
      wal = null;
    }
  }

  /** Call only after the replicator's own SQLite connections are closed. */
  @Override
  public void close() {
    closeWal();
    if (db != null) {
      release(db, dbKey, dbPath, dbInode);
      db = null;
      dbKey = null;
    }
  }

  /**
   * A descriptor kept open on the file with {@code key} by an earlier replicator of this process,
   * taken over so that starting and stopping replication again and again (a refreshed application
   * context) keeps one descriptor per file rather than one per cycle; null when there is none.
   */
  private static @Nullable FileChannel takeKept(@Nullable Object key) {
    if (key == null) {
      return null;
    }
    synchronized (KEPT_UNTIL_EXIT) {
      for (int i = 0; i < KEPT_UNTIL_EXIT.size(); i++) {
        Kept k = KEPT_UNTIL_EXIT.get(i);
        if (key.equals(k.key()) && k.channel().isOpen()) {
          KEPT_UNTIL_EXIT.remove(i);
          return k.channel();
        }
      }
    }
    return null;
  }

  private static void release(FileChannel channel, @Nullable Object key, Path path, long inode) {
    boolean locksRemain = ProcessLocks.heldOn(inode).orElse(true);
    if (locksRemain) {
      LOG.atInfo()
          .addKeyValue("db", path)
          .log(
              "this process still holds SQLite locks on the database (an application connection is"
                  + " open, or locks cannot be listed); its descriptor stays open until the process"
                  + " exits so they are kept");
      synchronized (KEPT_UNTIL_EXIT) {
        KEPT_UNTIL_EXIT.add(new Kept(key, channel));
      }
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to release
    }
  }
}
