package io.litestream4j.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Size, modification time and identity of a database and its WAL, as {@link
 * Database#changedSinceLastSync()} compares them: equal stamps mean nothing can have been committed
 * in between. A missing file has no stamp.
 */
record FileStamps(@Nullable Stamp db, @Nullable Stamp wal) {
  record Stamp(long size, long modifiedNanos, @Nullable Object key) {}

  static FileStamps of(Path db, Path wal) throws IOException {
    return new FileStamps(stamp(db), stamp(wal));
  }

  private static @Nullable Stamp stamp(Path p) throws IOException {
    try {
      var a = Files.readAttributes(p, BasicFileAttributes.class);
      return new Stamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
