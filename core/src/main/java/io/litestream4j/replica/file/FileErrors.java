package io.litestream4j.replica.file;

import io.litestream4j.internal.FileProblem;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Turns low-level file system errors into messages that say which replica path failed, why, and
 * what the operator can do about it. The original exception is kept as the cause.
 */
final class FileErrors {

  private FileErrors() {}

  static IOException explain(String action, Path path, IOException e) {
    String why =
        switch (FileProblem.of(e)) {
          case PERMISSION_DENIED -> {
            boolean reading = action.startsWith("list") || action.startsWith("read");
            yield "permission denied; make it "
                + (reading ? "readable (directories: also searchable, x)" : "writable")
                + " by user '"
                + System.getProperty("user.name")
                + "' or choose another replica path";
          }
          case NOT_PERMITTED ->
              "operation not permitted (is the directory immutable, e.g. chattr +i, or on a locked"
                  + " mount?); fix its attributes or choose another replica path";
          case READ_ONLY ->
              "the file system is read-only; remount it read-write or choose another replica path";
          case DISK_FULL ->
              "disk full (" + FileProblem.reason(e) + "); free space on the replica's file system";
          case NOT_A_DIRECTORY -> {
            Path named =
                e instanceof FileSystemException fse && fse.getFile() != null
                    ? Path.of(fse.getFile())
                    : path;
            yield notADirectory(named)
                + " exists but is not a directory; remove it or choose another replica path";
          }
          case OTHER -> FileProblem.message(e);
        };
    return new IOException("cannot " + action + " " + path + ": " + why, e);
  }

  /**
   * The path that is in the way: the nearest of {@code p} and its parents that exists (the error
   * names the path being created, while the file blocking it is often a parent).
   */
  private static Path notADirectory(Path p) {
    for (Path q = p.toAbsolutePath(); q != null; q = q.getParent()) {
      if (java.nio.file.Files.exists(q)) {
        return q;
      }
    }
    return p;
  }
}
