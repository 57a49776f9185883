package io.litestream4j.restore;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.internal.AtomicFiles;
import io.litestream4j.internal.FileProblem;
import io.litestream4j.internal.FileTrees;
import io.litestream4j.internal.TempFiles;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The database file a restore produces, and the rules for getting it there safely: the data goes to
 * a new, uniquely named {@code <out>.<random>.tmp} (created exclusively, never through a symlink;
 * fsynced), a new staging directory {@code <out>.restore-ltx.<random>} holds downloads, and only a
 * verified result is renamed over {@code <out>} (then the directory is fsynced). An existing
 * database is never replaced without {@code force} — except an empty file, which holds nothing —
 * and neither is a database whose {@code -wal}, {@code -shm} or {@code -journal} file exists, since
 * SQLite would apply a stale WAL to the restored file. With {@code force} those sidecars are
 * deleted right before the rename. {@link #discard()} removes every temporary, so a failed restore
 * leaves nothing behind and the previous database untouched.
 */
final class OutputFile {
  private static final List<String> SIDECARS = List.of("-wal", "-shm", "-journal");

  private final Path path;
  private final boolean force;
  private @Nullable Path temp;
  private @Nullable Path stagingDir;

  private OutputFile(Path path, boolean force) {
    this.path = path;
    this.force = force;
  }

  /**
   * Checks that a restore may write {@code output} and creates its parent directories.
   *
   * @throws RestoreException if it is a directory, holds a database (without {@code force}) or its
   *     directory cannot be created
   */
  static OutputFile prepare(Path output, boolean force) throws RestoreException {
    Path path = output.toAbsolutePath().normalize();
    OutputFile out = new OutputFile(path, force);
    out.checkReplaceable();
    try {
      Files.createDirectories(path.getParent());
    } catch (IOException e) {
      throw out.unwritable("cannot create its directory " + path.getParent(), e);
    }
    // Fails before downloading anything if the directory is not writable (creating the file is the
    // test; it is synced with its content at the end, not now, which would cost a journal commit).
    try {
      TempFiles.Temp t = TempFiles.createBeside(path, Optional.empty());
      out.temp = t.path();
      t.channel().close();
    } catch (IOException e) {
      RestoreException failure =
          out.unwritable("cannot create a temporary file in " + path.getParent(), e);
      out.discard(failure);
      throw failure;
    }
    return out;
  }

  Path path() {
    return path;
  }

  /** The temporary file the database is written to (created by {@link #openTemp()}). */
  Path temp() {
    if (temp == null) {
      throw new IllegalStateException(
          "the temporary file of " + path + " has not been created yet");
    }
    return temp;
  }

  /** Creates a new staging directory for downloads beside the output. */
  Path createStagingDir() throws RestoreException {
    try {
      stagingDir =
          Files.createTempDirectory(path.getParent(), path.getFileName() + ".restore-ltx.");
      return stagingDir;
    } catch (IOException e) {
      throw unwritable("cannot create a download directory in " + path.getParent(), e);
    }
  }

  /**
   * Opens the temporary file for reading and writing: created new on the first call, emptied on
   * later ones (never through a symlink).
   */
  FileChannel openTemp() throws RestoreException {
    try {
      if (temp == null) {
        TempFiles.Temp t = TempFiles.createBeside(path, Optional.empty());
        temp = t.path();
        return t.channel();
      }
      return FileChannel.open(
          temp,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.READ,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw unwritable(
          "cannot create " + (temp == null ? "a temporary file in " + path.getParent() : temp), e);
    }
  }

  /** Moves the finished (already fsynced) temp file into place and makes the rename durable. */
  void publish() throws RestoreException {
    checkReplaceable();
    try {
      if (force) {
        for (String suffix : SIDECARS) {
          Files.deleteIfExists(sidecar(suffix));
        }
      }
      AtomicFiles.move(temp(), path);
    } catch (IOException e) {
      throw unwritable("cannot move " + temp() + " into place", e);
    }
    try {
      fsyncDirectoryDespiteInterrupts();
    } catch (IOException e) {
      throw unwritable("moved " + temp() + " into place, but cannot sync its directory", e);
    }
  }

  /**
   * Once the rename happened the restore is done, so an interrupt that arrives now (a signal, an
   * application's timeout) must not turn it into a reported failure: the directory sync is retried
   * with the interrupt status cleared, and the status is set again afterwards.
   */
  private void fsyncDirectoryDespiteInterrupts() throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          AtomicFiles.fsyncDirectory(path.getParent());
          return;
        } catch (ClosedByInterruptException e) {
          interrupted |= Thread.interrupted();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Deletes the temp file and the staging directory; failures are added to {@code primary}. */
  void discard(Throwable primary) {
    try {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
    try {
      if (stagingDir != null) {
        FileTrees.delete(stagingDir);
      }
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }

  private void checkReplaceable() throws RestoreException {
    if (Files.isDirectory(path)) {
      throw new RestoreException(
          Reason.OUTPUT_UNWRITABLE,
          "cannot restore to "
              + path
              + ": it is a directory; give the path of the database file to create (-o)");
    }
    if (force) {
      return;
    }
    long size;
    try {
      size = Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? Files.size(path) : 0;
    } catch (NoSuchFileException vanished) {
      size = 0; // gone meanwhile: nothing to protect
    } catch (IOException e) {
      throw unwritable("cannot inspect it", e);
    }
    if (size > 0) {
      throw new RestoreException(
          Reason.OUTPUT_EXISTS,
          "cannot restore to "
              + path
              + ": a database already exists there; use -force to overwrite it, or -o to restore elsewhere");
    }
    for (String suffix : SIDECARS) {
      if (Files.exists(sidecar(suffix), LinkOption.NOFOLLOW_LINKS)) {
        throw new RestoreException(
            Reason.OUTPUT_EXISTS,
            "cannot restore to "
                + path
                + ": the SQLite file "
                + sidecar(suffix)
                + " exists and would be applied to the restored database; use -force to delete it");
      }
    }
  }

  private Path sidecar(String suffix) {
    return path.resolveSibling(path.getFileName() + suffix);
  }

  RestoreException unwritable(String what, IOException e) {
    String why =
        switch (FileProblem.of(e)) {
          case PERMISSION_DENIED ->
              "permission denied; make the directory writable by user '"
                  + System.getProperty("user.name")
                  + "' or restore elsewhere with -o";
          case NOT_PERMITTED ->
              "operation not permitted (is the directory immutable, e.g. chattr +i?); restore"
                  + " elsewhere with -o";
          case READ_ONLY -> "the file system is read-only; restore elsewhere with -o";
          case DISK_FULL ->
              "disk full (" + FileProblem.reason(e) + "); free space or restore elsewhere with -o";
          case NOT_A_DIRECTORY, OTHER -> FileProblem.message(e);
        };
    return new RestoreException(
        Reason.OUTPUT_UNWRITABLE, "cannot restore to " + path + ": " + what + ": " + why, e);
  }
}
