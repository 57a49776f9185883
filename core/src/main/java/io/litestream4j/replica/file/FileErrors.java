package io.litestream4j.replica.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Turns low-level file system errors into messages that say which replica path failed, why, and
 * what the operator can do about it. The original exception is kept as the cause.
 */
final class FileErrors {

  private FileErrors() {}

  static IOException explain(String action, Path path, IOException e) {
    String reason =
        e instanceof FileSystemException fse && fse.getReason() != null
            ? fse.getReason()
            : String.valueOf(e.getMessage());
    String why;
    if (e instanceof AccessDeniedException || reason.contains("Permission denied")) {
      boolean reading = action.startsWith("list") || action.startsWith("read");
      why =
          "permission denied; make it "
              + (reading ? "readable (directories: also searchable, x)" : "writable")
              + " by user '"
              + System.getProperty("user.name")
              + "' or choose another replica path";
    } else if (reason.contains("Operation not permitted")) {
      why =
          "operation not permitted (is the directory immutable, e.g. chattr +i, or on a locked mount?);"
              + " fix its attributes or choose another replica path";
    } else if (reason.contains("Read-only file system")) {
      why = "the file system is read-only; remount it read-write or choose another replica path";
    } else if (reason.contains("No space left on device")
        || reason.contains("Disk quota exceeded")) {
      why = "disk full (" + reason + "); free space on the replica's file system";
    } else if (e instanceof NotDirectoryException
        || e instanceof FileAlreadyExistsException
        || reason.contains("Not a directory")) {
      String culprit =
          e instanceof FileSystemException fse && fse.getFile() != null
              ? fse.getFile()
              : path.toString();
      why = culprit + " exists but is not a directory; remove it or choose another replica path";
    } else {
      why = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    return new IOException("cannot " + action + " " + path + ": " + why, e);
  }
}
