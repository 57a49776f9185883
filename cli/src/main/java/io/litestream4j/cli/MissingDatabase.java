package io.litestream4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warning for a database path that does not exist when {@code replicate} starts. Replication
 * still starts (Litestream waits for the file to appear, and an application may create it later),
 * but a mistyped path would otherwise wait silently forever; the warning names the likely reason
 * (missing directory) and SQLite files that do exist next to it.
 */
final class MissingDatabase {
  private static final Logger LOG = LoggerFactory.getLogger(MissingDatabase.class);

  private MissingDatabase() {}

  static void warnIfMissing(Path db) {
    if (Files.exists(db)) {
      return;
    }
    Path dir = db.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      LOG.atWarn()
          .addKeyValue("db", db)
          .log(
              "database directory {} does not exist: check the path; "
                  + "replication starts when the database is created",
              dir);
      return;
    }
    List<String> nearby = sqliteFilesIn(dir);
    LOG.atWarn()
        .addKeyValue("db", db)
        .log(
            "database does not exist (yet): check the path; replication starts "
                + "when the database is created{}",
            nearby.isEmpty() ? "" : "; SQLite files in " + dir + ": " + String.join(", ", nearby));
  }

  /** Up to five names of files in {@code dir} that start with SQLite's header. */
  private static List<String> sqliteFilesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              f ->
                  !f.getFileName()
                      .toString()
                      .toLowerCase(Locale.ROOT)
                      .matches(".*-(wal|shm|journal)$"))
          .filter(MissingDatabase::isSqlite)
          .map(f -> f.getFileName().toString())
          .sorted()
          .limit(5)
          .toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static boolean isSqlite(Path f) {
    try (var in = Files.newInputStream(f)) {
      return new String(in.readNBytes(16), java.nio.charset.StandardCharsets.ISO_8859_1)
          .equals("SQLite format 3\0");
    } catch (IOException e) {
      return false;
    }
  }
}
