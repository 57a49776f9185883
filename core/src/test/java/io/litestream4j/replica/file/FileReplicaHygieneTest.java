package io.litestream4j.replica.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.Replication;
import io.litestream4j.ReplicationOptions;
import io.litestream4j.config.DbOptions;
import io.litestream4j.testing.Await;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a file replica and the local state directory leave on disk: files with the database's
 * permissions, no stale temporary files of interrupted uploads, messages that say what to fix.
 */
class FileReplicaHygieneTest {
  @TempDir Path dir;

  private ReplicationOptions options(Path db, Path replica) {
    return ReplicationOptions.of(db, replica.toUri().toString())
        .withSyncInterval(Duration.ZERO)
        .withDbOptions(DbOptions.DEFAULTS.withMonitorInterval(Duration.ofMillis(20)));
  }

  private static void write(Path db, String... sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  private static List<Path> ltxFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".ltx")).toList();
    }
  }

  @Test
  void copiesGetTheDatabaseFilesMode() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    write(db, "CREATE TABLE t (v)", "INSERT INTO t VALUES ('secret')");
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-------"));
    try (Replication r = Replication.start(options(db, replica))) {
      write(db, "INSERT INTO t VALUES ('more secret')");
      r.syncAndAwait(Duration.ofSeconds(30));
      r.store().snapshotNow(true);
    }
    List<Path> files =
        Stream.concat(
                ltxFiles(replica).stream(), ltxFiles(dir.resolve(".app.db-litestream")).stream())
            .toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    for (Path f : files) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .as(f.toString())
          .isEqualTo("rw-------");
    }
  }

  @Test
  void staleTemporaryFilesOfOurPatternAreRemovedAtStartUp() throws Exception {
    Path db = dir.resolve("app.db");
    Path replica = dir.resolve("replica");
    write(db, "CREATE TABLE t (v)");
    Path l0 = Files.createDirectories(replica.resolve("ltx/0"));
    Path l9 = Files.createDirectories(replica.resolve("ltx/9"));
    Path staleUpload =
        Files.write(
            l0.resolve("0000000000000007-0000000000000007.ltx.0123456789abcdef.tmp"), new byte[10]);
    Path staleSnapshot =
        Files.write(
            l9.resolve("0000000000000001-0000000000000009.ltx.fedcba9876543210.tmp"),
            new byte[1000]);
    Path recent =
        Files.write(
            l0.resolve("0000000000000008-0000000000000008.ltx.00000000000000aa.tmp"), new byte[10]);
    Path notOurs = Files.write(l0.resolve("notes.tmp"), new byte[10]);
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(3)));
    for (Path p : List.of(staleUpload, staleSnapshot, notOurs)) {
      Files.setLastModifiedTime(p, old);
    }
    try (Replication r = Replication.start(options(db, replica))) {
      Await.until(
          () -> !Files.exists(staleUpload) && !Files.exists(staleSnapshot),
          Duration.ofSeconds(30),
          "stale temporary files to be removed");
      r.syncAndAwait(Duration.ofSeconds(30));
    }
    assertThat(recent).exists();
    assertThat(notOurs).exists();
  }

  @Test
  void anUnreadableReplicaDirectoryIsReportedAsUnreadable() {
    Path where = dir.resolve("replica/ltx/0");
    IOException e =
        FileErrors.explain(
            "list replica directory", where, new AccessDeniedException(where.toString()));
    assertThat(e.getMessage())
        .contains(where.toString())
        .contains("readable")
        .doesNotContain("writable");
    IOException w =
        FileErrors.explain(
            "write replica file", where, new AccessDeniedException(where.toString()));
    assertThat(w.getMessage()).contains("writable");
  }
}
