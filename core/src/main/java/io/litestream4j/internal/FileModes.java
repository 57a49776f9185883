package io.litestream4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * File permissions copied from a database to the files derived from it (local LTX files, replica
 * files), as Litestream does: a database readable only by its owner must not leak through a copy
 * that any local user can read. On file systems without POSIX permissions nothing is copied.
 */
public final class FileModes {
  private FileModes() {}

  /** The permissions of {@code file}; empty when it does not exist or the file system has none. */
  public static Optional<Set<PosixFilePermission>> of(Path file) throws IOException {
    try {
      return Optional.of(Files.getPosixFilePermissions(file));
    } catch (NoSuchFileException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /**
   * Sets {@code mode} on {@code file} (not following a symlink); a no-op without POSIX permissions.
   */
  public static void apply(Path file, Set<PosixFilePermission> mode) throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view != null) {
      view.setPermissions(mode);
    }
  }
}
