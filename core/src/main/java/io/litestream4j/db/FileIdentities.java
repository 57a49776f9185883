package io.litestream4j.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.jspecify.annotations.Nullable;

/**
 * The identities (device and inode) of a database's three files as the replicator's connections
 * opened them. A file deleted or replaced behind SQLite's back has another identity, or none, and
 * the connections must then be reopened. A file that did not exist when the identities were taken
 * (a {@code null} key) is never reported as replaced. Immutable.
 */
record FileIdentities(
    Path db,
    Path wal,
    Path shm,
    @Nullable Object dbKey,
    @Nullable Object walKey,
    @Nullable Object shmKey) {

  /** Identities of nothing: no file is ever reported as replaced. */
  static FileIdentities none(Path db, Path wal, Path shm) {
    return new FileIdentities(db, wal, shm, null, null, null);
  }

  /** The identity of one file now; {@code null} when it does not exist. */
  static @Nullable Object keyOf(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** These identities with the database file's taken now. */
  FileIdentities withDbNow() throws IOException {
    return new FileIdentities(db, wal, shm, keyOf(db), walKey, shmKey);
  }

  /** These identities with the WAL's and shared-memory file's taken now. */
  FileIdentities withWalAndShmNow() throws IOException {
    return new FileIdentities(db, wal, shm, dbKey, keyOf(wal), keyOf(shm));
  }

  /**
   * These identities with the WAL's taken now if it was unknown (it appeared after they were
   * taken).
   */
  FileIdentities withWalIfUnknown() throws IOException {
    return walKey != null ? this : new FileIdentities(db, wal, shm, dbKey, keyOf(wal), shmKey);
  }

  /** True when a file with a known identity is gone or is another file now. */
  boolean replacedOnDisk() throws IOException {
    return changed(db, dbKey) || changed(wal, walKey) || changed(shm, shmKey);
  }

  private static boolean changed(Path p, @Nullable Object known) throws IOException {
    if (known == null) {
      return false;
    }
    Object now = keyOf(p);
    return now == null || !known.equals(now);
  }
}
