package io.litestream4j.testing;

import io.litestream4j.tools.DatabaseContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Compares SQLite databases by logical content, so tests can assert that a replicated or restored
 * database is the source database: same schema (every {@code sqlite_schema} row) and the same rows,
 * with rowids, in every table, each value rendered with its storage class so that {@code 1}, {@code
 * 1.0}, {@code '1'} and {@code x'31'} all differ. Also runs {@code PRAGMA integrity_check}. Uses
 * sqlite-jdbc; databases are opened read-write (SQLite may create -wal/-shm files beside them).
 */
public final class DbCompare {
  private DbCompare() {}

  /** The logical content of the database at {@code db}, one line per schema entry or row. */
  public static List<String> dump(Path db) {
    requireFile(db);
    try (Connection connection = open(db)) {
      return dump(connection);
    } catch (SQLException e) {
      throw new AssertionError("cannot dump " + db + ": " + e.getMessage(), e);
    }
  }

  /** The logical content visible to {@code connection} (e.g. a live source kept open by a test). */
  public static List<String> dump(Connection connection) throws SQLException {
    return DatabaseContent.dump(connection);
  }

  /** A SHA-256 over {@link #dump(Path)}: a compact fingerprint of the logical content. */
  public static String contentHash(Path db) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String line : dump(db)) {
        digest.update(line.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Fails unless both databases have the same logical content; the message shows the first
   * difference.
   */
  public static void assertSameContent(Path expected, Path actual) {
    assertSameContent(dump(expected), dump(actual), expected + " vs " + actual);
  }

  /**
   * Fails unless {@code actual} has the logical content {@code expected} (a dump taken earlier).
   */
  public static void assertSameContent(List<String> expected, List<String> actual, String what) {
    int common = Math.min(expected.size(), actual.size());
    for (int i = 0; i < common; i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(
            "databases differ ("
                + what
                + ") at dump line "
                + i
                + "\n expected: "
                + abbreviate(expected.get(i))
                + "\n actual:   "
                + abbreviate(actual.get(i))
                + "\n("
                + expected.size()
                + " vs "
                + actual.size()
                + " lines)");
      }
    }
    if (expected.size() != actual.size()) {
      List<String> extra = expected.size() > actual.size() ? expected : actual;
      throw new AssertionError(
          "databases differ ("
              + what
              + "): expected "
              + expected.size()
              + " dump lines, got "
              + actual.size()
              + "; first extra line: "
              + abbreviate(extra.get(common)));
    }
  }

  /**
   * The result of {@code PRAGMA integrity_check}: "ok" for a sound database, else the problems
   * found.
   */
  public static String integrityCheck(Path db) {
    requireFile(db);
    try (Connection connection = open(db);
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return String.join("\n", rows);
    } catch (SQLException e) {
      return "cannot run integrity_check: " + e.getMessage();
    }
  }

  /** Fails unless {@code PRAGMA integrity_check} says "ok". */
  public static void assertIntegrity(Path db) {
    String result = integrityCheck(db);
    if (!result.equals("ok")) {
      throw new AssertionError("integrity_check of " + db + " failed:\n" + result);
    }
  }

  private static Connection open(Path db) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
  }

  private static void requireFile(Path db) {
    if (!Files.isRegularFile(db)) {
      throw new AssertionError("no database file at " + db);
    }
  }

  private static String abbreviate(String line) {
    return line.length() <= 300
        ? line
        : line.substring(0, 300) + "... (" + line.length() + " chars)";
  }
}
