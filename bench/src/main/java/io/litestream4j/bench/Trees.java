package io.litestream4j.bench;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Directory walks over trees that change while they are walked (replicators create and rename
 * temporary files all the time): entries that vanish mid-walk are skipped instead of failing the
 * walk, which {@link Files#walk} would do.
 */
final class Trees {
  private Trees() {}

  /** Every directory under {@code root}, {@code root} included (none if it does not exist). */
  static List<Path> directories(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    walk(root, out, null);
    return out;
  }

  /** Every regular file under {@code root} accepted by {@code filter}. */
  static List<Path> files(Path root, Predicate<Path> filter) throws IOException {
    List<Path> out = new ArrayList<>();
    walk(
        root,
        null,
        p -> {
          if (filter.test(p)) {
            out.add(p);
          }
        });
    return out;
  }

  private static void walk(Path dir, List<Path> dirs, java.util.function.Consumer<Path> files)
      throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (dirs != null) {
      dirs.add(dir);
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        children.add(p);
      }
    } catch (NoSuchFileException | DirectoryIteratorException gone) {
      return;
    }
    for (Path p : children) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        walk(p, dirs, files);
      } else if (files != null) {
        files.accept(p);
      }
    }
  }
}
