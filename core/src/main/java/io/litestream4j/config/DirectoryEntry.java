package io.litestream4j.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code dir} entry of the configuration and the databases it stands for, with Litestream 0.5's
 * rules: a file belongs to the entry when its base name matches {@code pattern} (Go glob) and it
 * starts with {@code SQLite format 3\0}; {@code -wal}, {@code -shm} and {@code -journal} files
 * never do; sub-directories are scanned only with {@code recursive}. Each database becomes an
 * ordinary single-database entry ({@link #forDatabase}) whose replica is the entry's replica with
 * the database's path relative to {@code dir} appended, and whose state directory is derived from
 * {@code meta-path} / {@code meta-dir} the way Litestream derives it. Two databases whose state
 * directories would coincide are rejected ({@link #requireDistinctMetaPaths}).
 */
public final class DirectoryEntry {
  private static final byte[] SQLITE_MAGIC =
      "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final List<String> SIDE_FILE_SUFFIXES = List.of("-wal", "-shm", "-journal");

  private final DbConfig entry;
  private final Path dir;
  private final GoGlob glob;

  /**
   * @throws IllegalArgumentException for a single-database entry or a malformed pattern
   */
  public DirectoryEntry(DbConfig entry) {
    this.entry = Objects.requireNonNull(entry, "entry");
    this.dir =
        entry
            .dir()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        entry.identifier() + " is a single-database entry, not a directory entry"))
            .toAbsolutePath()
            .normalize();
    this.glob =
        GoGlob.compile(
            entry
                .pattern()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "directory entry " + dir + " has no pattern")));
  }

  public DbConfig entry() {
    return entry;
  }

  public Path dir() {
    return dir;
  }

  public boolean recursive() {
    return entry.recursive();
  }

  public boolean watch() {
    return entry.watch();
  }

  /**
   * True when {@code file}'s name could be one of this entry's databases (pattern, no side file).
   */
  public boolean nameMatches(Path file) {
    String name = file.getFileName().toString();
    return SIDE_FILE_SUFFIXES.stream().noneMatch(name::endsWith) && glob.matches(name);
  }

  /**
   * True when {@code file} lies where this entry looks (directly in dir, or below it if recursive).
   */
  public boolean covers(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    return parent != null && (parent.equals(dir) || entry.recursive() && parent.startsWith(dir));
  }

  /**
   * True for a replicator state directory ({@code .<db>-litestream}) below {@code dir}: never
   * scanned or watched, so the replicator's own writes cost no events and no inotify watches.
   */
  public static boolean isStateDirectory(Path directory) {
    Path name = directory.getFileName();
    return name != null
        && name.toString().startsWith(".")
        && name.toString().endsWith("-litestream");
  }

  /** True when {@code file} is one of this entry's databases right now. */
  public boolean isDatabase(Path file) {
    return covers(file) && nameMatches(file) && Files.isRegularFile(file) && isSqliteDatabase(file);
  }

  /**
   * True when {@code file} starts with the SQLite header; unreadable or short files are not
   * databases.
   */
  public static boolean isSqliteDatabase(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(SQLITE_MAGIC.length), SQLITE_MAGIC);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The databases under {@code dir} now, sorted.
   *
   * @throws NoSuchFileException when {@code dir} does not exist
   */
  public List<Path> scan() throws IOException {
    return scan(dir);
  }

  /** The databases under {@code from} (a directory inside {@link #dir()}), sorted. */
  public List<Path> scan(Path from) throws IOException {
    return scan(from, p -> false);
  }

  /**
   * As {@link #scan(Path)}, taking the matching files that {@code known} accepts as databases
   * without reading them. Reading a file opens and closes a descriptor, and closing any descriptor
   * of a file releases every POSIX lock this process holds on it, SQLite connections' included: a
   * replicator must never read the databases it replicates this way.
   */
  public List<Path> scan(Path from, java.util.function.Predicate<Path> known) throws IOException {
    if (!Files.isDirectory(from)) {
      if (from.equals(dir)) {
        throw new NoSuchFileException(
            dir.toString(), null, "directory of a 'dir' entry does not exist");
      }
      return List.of();
    }
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            return d.equals(from) || entry.recursive() && !isStateDirectory(d)
                ? FileVisitResult.CONTINUE
                : FileVisitResult.SKIP_SUBTREE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
            Path p = f.toAbsolutePath().normalize();
            if (attrs.isRegularFile() && nameMatches(f) && (known.test(p) || isSqliteDatabase(f))) {
              found.add(p);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            return FileVisitResult
                .CONTINUE; // vanished or unreadable while scanning: not a database now
          }
        });
    found.sort(null);
    return found;
  }

  /**
   * The single-database entry for {@code db}, found under this directory: every setting of the
   * directory entry, the replica with {@code db}'s relative path appended, and its own state
   * directory.
   */
  public DbConfig forDatabase(Path db) {
    Path abs = db.toAbsolutePath().normalize();
    if (!abs.startsWith(dir) || abs.equals(dir)) {
      throw new IllegalArgumentException(abs + " is not inside " + dir);
    }
    Path rel = dir.relativize(abs);
    Optional<Path> metaPath =
        entry
            .metaDir()
            .map(base -> base.resolve(rel + "-litestream"))
            .or(() -> entry.metaPath().map(base -> derivedMetaPath(base, rel)));
    return entry.discovered(abs, metaPath, entry.replica().withRelativePath(slashed(rel)));
  }

  /** Every database found now, as single-database entries, with distinct state directories. */
  public List<DbConfig> databases() throws IOException {
    List<DbConfig> dbs = scan().stream().map(this::forDatabase).toList();
    requireDistinctMetaPaths(dbs);
    return dbs;
  }

  /**
   * @throws ConfigException naming both databases when two would share a state directory
   */
  public static void requireDistinctMetaPaths(List<DbConfig> dbs) {
    Map<Path, Path> seen = new HashMap<>();
    for (DbConfig db : dbs) {
      Path meta = db.resolvedMetaPath();
      Path other = seen.putIfAbsent(meta, db.path().orElseThrow());
      if (other != null) {
        throw new ConfigException(
            "dbs[].meta-path",
            "meta-path collision: databases "
                + other
                + " and "
                + db.path().orElseThrow()
                + " would share the state directory "
                + meta
                + "; give them distinct meta-path/meta-dir settings");
      }
    }
  }

  /**
   * {@code <base>/<reldir>/.<file>-litestream}, as Litestream derives it from {@code meta-path}.
   */
  private static Path derivedMetaPath(Path base, Path rel) {
    Path parent = rel.getParent();
    Path in = parent == null ? base : base.resolve(parent);
    return in.resolve("." + rel.getFileName() + "-litestream");
  }

  private static String slashed(Path rel) {
    return rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
  }

  @Override
  public String toString() {
    return dir
        + " ("
        + glob.pattern()
        + (entry.recursive() ? ", recursive" : "")
        + (entry.watch() ? ", watched" : "")
        + ")";
  }
}
