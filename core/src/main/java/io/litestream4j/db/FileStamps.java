package io.litestream4j.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Size, modification time and identity of a database and its WAL, as {@link
 * Database#changedSinceLastSync()} compares them: equal stamps mean nothing can have been committed
 * in between. A missing file has no stamp.
 *
 * <p>{@link #matches} is the idle poll of every database, once a monitor interval: it compares the
 * files' attributes field by field, without building new stamps. (Comparing two records with their
 * generated {@code equals} runs through method handles, which cost a few hundred microseconds per
 * poll before the JIT compiles them: an idle database's poll runs once a second, so that is its
 * first hour or so.)
 */
record FileStamps(@Nullable Stamp db, @Nullable Stamp wal) {
  record Stamp(long size, long modifiedNanos, @Nullable Object key) {}

  static FileStamps of(Path db, Path wal) throws IOException {
    return new FileStamps(stamp(db), stamp(wal));
  }

  /** True when both files still have the attributes stamped here (missing ones still missing). */
  boolean matches(Path dbPath, Path walPath) throws IOException {
    return matches(db, dbPath) && matches(wal, walPath);
  }

  private static boolean matches(@Nullable Stamp s, Path p) throws IOException {
    BasicFileAttributes a = attributes(p);
    if (s == null || a == null) {
      return s == null && a == null;
    }
    return s.size() == a.size()
        && s.modifiedNanos() == a.lastModifiedTime().to(TimeUnit.NANOSECONDS)
        && Objects.equals(s.key(), a.fileKey());
  }

  private static @Nullable Stamp stamp(Path p) throws IOException {
    BasicFileAttributes a = attributes(p);
    return a == null
        ? null
        : new Stamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
  }

  private static @Nullable BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
