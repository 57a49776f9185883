package io.litestream4j.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;

/**
 * What a failed file-system call ran into, told from the exception's type and the operating
 * system's reason text, so that each caller (the file backend, the restore output) adds its own
 * advice to one reading of the error.
 */
public enum FileProblem {
  PERMISSION_DENIED,
  NOT_PERMITTED,
  READ_ONLY,
  DISK_FULL,
  NOT_A_DIRECTORY,
  OTHER;

  /** The operating system's reason for {@code e}, else its message. */
  public static String reason(IOException e) {
    return e instanceof FileSystemException fse && fse.getReason() != null
        ? fse.getReason()
        : String.valueOf(e.getMessage());
  }

  /** The problem {@code e} reports; the first that matches in declaration order. */
  public static FileProblem of(IOException e) {
    String reason = reason(e);
    if (e instanceof AccessDeniedException || reason.contains("Permission denied")) {
      return PERMISSION_DENIED;
    } else if (reason.contains("Operation not permitted")) {
      return NOT_PERMITTED;
    } else if (reason.contains("Read-only file system")) {
      return READ_ONLY;
    } else if (reason.contains("No space left on device")
        || reason.contains("Disk quota exceeded")) {
      return DISK_FULL;
    } else if (e instanceof NotDirectoryException
        || e instanceof FileAlreadyExistsException
        || reason.contains("Not a directory")) {
      return NOT_A_DIRECTORY;
    }
    return OTHER;
  }

  /** {@code e}'s message, else its description. */
  public static String message(IOException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
