package io.litestream4j.testing;

import io.litestream4j.internal.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** File chores shared by the test-support classes and the tests. */
public final class TestFiles {
  private TestFiles() {}

  /** Copies the directory tree {@code from} to {@code to}, file times and permissions kept. */
  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Deletes {@code root} and everything below it; a null or missing path is fine. */
  static void deleteRecursively(Path root) {
    if (root == null) {
      return;
    }
    try {
      FileTrees.delete(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
