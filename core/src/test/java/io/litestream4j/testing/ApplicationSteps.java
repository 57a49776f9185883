package io.litestream4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What an application does to its own database between batches of writes, by round: its own
 * checkpoints of every mode, large deletes and VACUUM. Checkpoint modes that wait for readers may
 * give up with SQLITE_BUSY while a replicator holds its read lock; anything else fails the test.
 */
public final class ApplicationSteps {
  private ApplicationSteps() {}

  public static void maintain(Connection app, int round) throws SQLException {
    try (Statement st = app.createStatement()) {
      switch (round % 10) {
        case 2 -> st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        case 4 -> st.execute("PRAGMA wal_checkpoint(FULL)");
        case 5 -> st.execute("DELETE FROM t WHERE id % 3 = 0");
        case 6 -> st.execute("PRAGMA wal_checkpoint(RESTART)");
        case 8 -> st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        case 9 -> st.execute("VACUUM");
        default -> {}
      }
    } catch (SQLException busy) {
      assertThat(busy.getMessage()).containsAnyOf("locked", "BUSY");
    }
  }
}
