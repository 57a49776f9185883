package io.litestream4j.restore;

import io.litestream4j.RestoreException;
import io.litestream4j.RestoreException.Reason;
import io.litestream4j.RestoreOptions.IntegrityCheck;
import io.litestream4j.RestoreProgress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs SQLite's own consistency check on a restored database before it is moved into place. The
 * file is opened with {@code immutable=1}: no locks, no -wal/-shm files created next to it, and
 * nothing written, whatever journal mode its header names.
 */
final class SqliteCheck {
  private static final int MAX_PROBLEMS = 5;

  private SqliteCheck() {}

  /**
   * Runs {@code check} on the restored, not yet published database {@code out} and reports it as
   * the {@link RestoreProgress.Phase#CHECK} phase; does nothing for {@link IntegrityCheck#NONE}.
   *
   * @param restored what the database was restored from, for the message
   * @throws RestoreException ({@link Reason#INTEGRITY_CHECK_FAILED}) if SQLite reports problems
   */
  static void require(
      OutputFile out, IntegrityCheck check, String restored, RestoreProgress progress)
      throws RestoreException {
    if (check == IntegrityCheck.NONE) {
      return;
    }
    progress.update(RestoreProgress.Phase.CHECK, 0, 1);
    Optional<String> problems = run(out.temp(), check);
    if (problems.isPresent()) {
      throw new RestoreException(
          Reason.INTEGRITY_CHECK_FAILED,
          restored
              + " failed PRAGMA "
              + check.flagValue()
              + "_check: "
              + problems.get()
              + "; nothing was written to "
              + out.path());
    }
    progress.update(RestoreProgress.Phase.CHECK, 1, 1);
  }

  /**
   * Runs {@code check} on {@code db}.
   *
   * @return empty when SQLite says "ok", else the problems it reported (at most a few)
   */
  static Optional<String> run(Path db, IntegrityCheck check) {
    String pragma =
        switch (check) {
          case NONE -> null;
          case QUICK -> "PRAGMA quick_check(" + MAX_PROBLEMS + ")";
          case FULL -> "PRAGMA integrity_check(" + MAX_PROBLEMS + ")";
        };
    if (pragma == null) {
      return Optional.empty();
    }
    String url = "jdbc:sqlite:" + db.toAbsolutePath().toUri() + "?immutable=1";
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(pragma)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return rows.equals(List.of("ok"))
          ? Optional.empty()
          : Optional.of(String.join("; ", rows).replace("\n", "; "));
    } catch (SQLException e) {
      return Optional.of("SQLite cannot read the database: " + e.getMessage());
    }
  }
}
