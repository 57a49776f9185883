package io.litestream4j.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Refuses to let {@code restore -force} replace a WAL-mode database that another process has open:
 * the restore would rename a new file over it, the application would keep writing to the old one,
 * and every write it believes committed would be lost. Every open WAL-mode connection holds a read
 * lock on one byte of the database's {@code -shm} file (SQLite's "DMS" lock, offset {@value
 * #DMS_OFFSET} on Unix) for as long as it is open, so a write lock on that byte that cannot be had
 * means the database is in use.
 *
 * <p>Only for the command line: probing opens and closes the {@code -shm} file, and closing a file
 * drops every POSIX lock this process holds on it, which would break a SQLite connection of an
 * application embedding the restore in the same process. A database in rollback-journal mode holds
 * no lock between transactions and cannot be detected.
 */
final class DatabaseInUse {
  static final long DMS_OFFSET = 128;

  private DatabaseInUse() {}

  /**
   * @throws IOException naming what to do when another process has {@code db} open
   */
  static void refuse(Path db) throws IOException {
    Path shm = db.resolveSibling(db.getFileName() + "-shm");
    if (!Files.isRegularFile(shm)) {
      return;
    }
    boolean inUse;
    try (FileChannel ch =
        FileChannel.open(shm, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      try (FileLock lock = ch.tryLock(DMS_OFFSET, 1, false)) {
        inUse = lock == null;
      } catch (OverlappingFileLockException e) {
        inUse = true;
      }
    } catch (IOException e) {
      return; // cannot tell (e.g. no permission to open it): the restore's own checks apply
    }
    if (inUse) {
      throw new IOException(
          db
              + " is open in another process (a SQLite connection holds its -shm file), so -force"
              + " would replace it under that process, whose later writes would be lost; stop the"
              + " application first, or restore to another path");
    }
  }
}
