package io.litestream4j.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.ProcLocks;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why the replicator keeps one descriptor per file (see {@link Database}): closing any descriptor
 * of a database file releases the SQLite locks of every connection in the process, and a JDK file
 * channel closes itself when a reading thread is interrupted. {@link ReadOnlyFileChannel} does not.
 */
class DescriptorLockTest {
  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path dir;
  private Path db;

  @BeforeEach
  void database() throws Exception {
    ProcLocks.assumeAvailable();
    db = dir.resolve("app.db");
  }

  private Connection openWalConnection() throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=wal");
      st.execute("CREATE TABLE IF NOT EXISTS t (v)");
      st.execute("INSERT INTO t VALUES (1)");
    }
    return c;
  }

  @Test
  void closingAnyDescriptorOfTheFileDropsSqlitesLocks() throws Exception {
    try (Connection c = openWalConnection()) {
      assertThat(ProcLocks.holdsShared(PID, db))
          .as("an idle WAL-mode connection holds SHARED")
          .isTrue();
      FileChannel.open(db, StandardOpenOption.READ).close();
      assertThat(ProcLocks.holdsShared(PID, db))
          .as("after an unrelated descriptor was closed; %s", ProcLocks.describe(db))
          .isFalse();
    }
  }

  @Test
  void anInterruptClosesAJdkChannelButNotOurs() throws Exception {
    try (Connection c = openWalConnection();
        FileChannel jdk = FileChannel.open(db, StandardOpenOption.READ);
        ReadOnlyFileChannel ours = ReadOnlyFileChannel.open(db)) {
      Thread.currentThread().interrupt();
      ByteBuffer buf = ByteBuffer.allocate(100);
      try {
        assertThat(ours.read(buf, 0)).isEqualTo(100);
        assertThat(ours.isOpen()).isTrue();
        try {
          jdk.read(ByteBuffer.allocate(100), 0);
        } catch (java.nio.channels.ClosedByInterruptException expected) {
          // the JDK channel closed itself, releasing the connection's locks
        }
      } finally {
        Thread.interrupted();
      }
      assertThat(jdk.isOpen()).as("the JDK channel after an interrupted read").isFalse();
      assertThat(ProcLocks.holdsShared(PID, db))
          .as("SQLite's lock after the JDK channel closed itself")
          .isFalse();
    }
  }

  @Test
  void databaseFilesKeepTheDescriptorWhileTheProcessStillHoldsLocks() throws Exception {
    try (Connection c = openWalConnection()) {
      DatabaseFiles files = new DatabaseFiles(db, dir.resolve("app.db-wal"));
      FileChannel ch = files.db();
      files.close();
      assertThat(ch.isOpen())
          .as("descriptor kept: the application's connection still holds locks")
          .isTrue();
      assertThat(ProcLocks.holdsShared(PID, db)).isTrue();
    }
    Path other = dir.resolve("other.db");
    java.nio.file.Files.write(other, new byte[4096]);
    DatabaseFiles files = new DatabaseFiles(other, dir.resolve("other.db-wal"));
    FileChannel ch = files.db();
    files.close();
    assertThat(ch.isOpen()).as("descriptor closed: no locks of this process on the file").isFalse();
  }
}
