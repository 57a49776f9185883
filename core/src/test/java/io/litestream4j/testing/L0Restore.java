package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.ltx.DatabaseChecksum;
import io.litestream4j.ltx.LtxApplier;
import io.litestream4j.ltx.LtxFileName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test oracle for replication: rebuilds a database from the level-0 files of a directory (a file
 * replica's {@code ltx/0} or the local state directory) with the codec's verified applier, and
 * computes the logical checksum of a live source database. Independent of the restore command, so
 * replication tests do not depend on the code they would be checking.
 */
public final class L0Restore {
  private L0Restore() {}

  /** Applies L0 files 1..txid (all of them when txid is Long.MAX_VALUE) into {@code out}. */
  public static long restore(Path l0Dir, long txid, Path out) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(l0Dir)) {
      files =
          s.filter(
                  p ->
                      LtxFileName.parse(p.getFileName().toString())
                          .map(n -> n.maxTxid() <= txid)
                          .orElse(false))
              .sorted()
              .toList();
    }
    assertThat(files).as("L0 files in %s", l0Dir).isNotEmpty();
    if (txid != Long.MAX_VALUE) {
      assertThat(files).as("L0 files up to %d", txid).hasSize((int) txid);
    }
    return apply(files.stream().<LtxSource>map(p -> () -> Files.newInputStream(p)).toList(), out)
        .checksum();
  }

  /** Opens one LTX file. */
  @FunctionalInterface
  public interface LtxSource {
    InputStream open() throws IOException;
  }

  /**
   * Applies {@code files} in order with {@link LtxApplier#restore} (which proves continuity and the
   * final checksum) into {@code out}, replacing it, and fsyncs the result.
   */
  public static LtxApplier apply(List<LtxSource> files, Path out) throws IOException {
    List<InputStream> streams = new ArrayList<>();
    try (FileChannel ch =
        FileChannel.open(
            out,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (LtxSource f : files) {
        streams.add(f.open());
      }
      LtxApplier applier = LtxApplier.restore(streams, ch);
      ch.force(true);
      return applier;
    } finally {
      for (InputStream in : streams) {
        in.close();
      }
    }
  }

  /** Restores every L0 file of a file replica and asserts it equals {@code source} now. */
  public static void assertReplicaEquals(Path replicaDir, Path source) throws Exception {
    Path out = source.resolveSibling("restored-" + System.nanoTime() + ".db");
    long checksum = restore(replicaDir.resolve("ltx/0"), Long.MAX_VALUE, out);
    DbCompare.assertSameContent(source, out);
    DbCompare.assertIntegrity(out);
    assertThat(checksum).as("restored checksum").isEqualTo(DatabaseChecksum.of(out));
    assertThat(checksum)
        .as("checksum of the source as SQLite sees it")
        .isEqualTo(logicalChecksum(source));
  }

  /**
   * The rolling checksum of a database as SQLite sees it (file plus WAL): a copy of both files is
   * checkpointed into a standalone file, whose pages then are the logical pages.
   */
  public static long logicalChecksum(Path db) throws Exception {
    return logicalChecksum(
        db, Files.createTempDirectory(db.toAbsolutePath().getParent(), "logical-"));
  }

  /**
   * {@link #logicalChecksum(Path)} working in {@code scratch}, which must not exist yet or be
   * empty; it is deleted afterwards.
   */
  public static long logicalChecksum(Path db, Path scratch) throws Exception {
    Files.createDirectories(scratch);
    Path copy = scratch.resolve("copy.db");
    copyInOtherProcess(db, copy);
    Path wal = db.resolveSibling(db.getFileName() + "-wal");
    if (Files.exists(wal)) {
      copyInOtherProcess(wal, scratch.resolve("copy.db-wal"));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    long checksum = DatabaseChecksum.of(copy);
    try (Stream<Path> s = Files.list(scratch)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(scratch);
    return checksum;
  }

  /**
   * Copies a live database file with {@code cp}: a descriptor opened and closed in this JVM would
   * release every SQLite lock the JVM holds on the file (the replicator's and the test's own).
   */
  private static void copyInOtherProcess(Path from, Path to) throws Exception {
    Process p =
        new ProcessBuilder("cp", from.toString(), to.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new java.io.IOException("cp " + from + " " + to + " failed: " + out);
    }
  }
}
