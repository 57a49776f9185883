package io.litestream4j.follow;

import static org.assertj.core.api.Assertions.assertThat;

import io.litestream4j.testing.DbCompare;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal the follower writes is one SQLite accepts as its own: after a simulated crash in the
 * middle of an apply (pages overwritten with garbage, the file grown or truncated, the journal left
 * behind), the next SQLite connection rolls the database back to exactly its content before, and
 * removes the journal.
 */
class RollbackJournalTest {
  @TempDir Path dir;

  @Test
  void sqliteRollsBackAnInterruptedApplyFromOurJournal() throws Exception {
    for (int pageSize : new int[] {1024, 4096}) {
      for (boolean grow : new boolean[] {true, false}) {
        Path db = dir.resolve("db-" + pageSize + "-" + grow + ".db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
            Statement st = c.createStatement()) {
          st.execute("PRAGMA page_size=" + pageSize);
          st.execute("PRAGMA journal_mode=delete");
          st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
          st.execute("CREATE INDEX tv ON t(v)");
          for (int i = 0; i < 200; i++) {
            st.execute("INSERT INTO t (v) VALUES (randomblob(" + (50 + i * 7 % 900) + "))");
          }
        }
        List<String> before = DbCompare.dump(db);
        Path journal = db.resolveSibling(db.getFileName() + "-journal");
        Random rnd = new Random(pageSize);
        try (FileChannel ch =
            FileChannel.open(db, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          int pages = (int) (ch.size() / pageSize);
          TreeSet<Integer> touched = new TreeSet<>(List.of(1, 2, pages));
          for (int i = 0; i < 5; i++) {
            touched.add(1 + rnd.nextInt(pages));
          }
          TreeSet<Integer> journaled = new TreeSet<>(touched);
          if (!grow) {
            journaled.addAll(
                List.of(
                    pages - 1, pages)); // truncated away below, as a shrinking apply journals them
          }
          RollbackJournal.write(journal, ch, pageSize, pages, journaled);
          byte[] garbage = new byte[pageSize];
          for (int pgno : touched) {
            rnd.nextBytes(garbage);
            ch.write(ByteBuffer.wrap(garbage), (long) (pgno - 1) * pageSize);
          }
          if (grow) {
            rnd.nextBytes(garbage);
            ch.write(ByteBuffer.wrap(garbage), (long) (pages + 3) * pageSize);
          } else {
            ch.truncate((long) (pages - 2) * pageSize);
          }
          ch.force(true);
        } // "crash": the journal stays, hot
        assertThat(journal).exists();
        assertThat(DbCompare.dump(db))
            .as("page size %d, grown %s", pageSize, grow)
            .isEqualTo(before);
        DbCompare.assertIntegrity(db);
        assertThat(journal).doesNotExist();
        assertThat(Files.size(db) % pageSize).isZero();
      }
    }
  }
}
