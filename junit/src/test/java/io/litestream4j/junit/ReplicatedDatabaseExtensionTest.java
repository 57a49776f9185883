package io.litestream4j.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

@ReplicatedDatabase
class ReplicatedDatabaseExtensionTest {
  private static Path previousDirectory;

  @Test
  void theReplicaRestoresExactlyWhatTheTestWrote(TestDatabase db) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT, price REAL)");
      for (int i = 0; i < 200; i++) {
        st.execute("INSERT INTO orders (item, price) VALUES ('item-" + i + "', " + i * 1.5 + ")");
      }
    }
    Path restored = db.assertRestoresExactly();
    assertThat(restored).exists();
    assertThat(db.replicaDirectory().resolve("ltx/0")).isDirectory();
    previousDirectory = db.path().getParent();
  }

  @Test
  void pointInTimeRestoreGivesTheStateOfThatTransaction(TestDatabase db) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (v TEXT)");
      st.execute("INSERT INTO t VALUES ('before')");
      long before = db.awaitReplicated();
      List<String> stateBefore = db.content();
      st.execute("UPDATE t SET v = 'after'");
      db.assertRestoresExactly();
      db.assertRestoresTo(before, stateBefore);
      assertThatThrownBy(() -> db.assertRestoresTo(before, db.content()))
          .as("an assertion that must notice a wrong state")
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("differs from the source");
    }
  }

  @Test
  void eachTestGetsAFreshDatabaseAndTheLastOneIsCleanedUp(TestDatabase db) throws Exception {
    // Only the replicator's own tables may be there, depending on whether its first sync ran yet.
    assertThat(db.content())
        .as("a fresh database: no table of a previous test")
        .allMatch(line -> line.contains(" _litestream_lock") || line.contains(" _litestream_seq"));
    if (previousDirectory != null) {
      assertThat(Files.exists(previousDirectory))
          .as("the previous test's directory was deleted")
          .isFalse();
    }
  }
}
