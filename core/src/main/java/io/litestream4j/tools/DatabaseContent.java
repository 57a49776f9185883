package io.litestream4j.tools;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The logical content of a SQLite database as comparable text, so that "this restored database is
 * that database" can be checked independently of page layout: one line per {@code sqlite_schema}
 * entry, then one line per row of every table (rowid first, in rowid order; WITHOUT ROWID tables
 * sorted), each value rendered with its storage class so that {@code 1}, {@code 1.0}, {@code '1'}
 * and {@code x'31'} all differ. Virtual tables are listed but not read. Reads through the given
 * connection, in whatever transaction it is in.
 */
public final class DatabaseContent {
  private DatabaseContent() {}

  /** The content visible to {@code connection}, one line per schema entry or row. */
  public static List<String> dump(Connection connection) throws SQLException {
    List<String> lines = new ArrayList<>();
    List<Table> tables = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")) {
      while (rs.next()) {
        String type = rs.getString(1);
        String name = rs.getString(2);
        String sql = rs.getString(4);
        lines.add("schema " + type + " " + name + " on " + rs.getString(3) + ": " + sql);
        if (type.equals("table") && sql != null && !sql.startsWith("CREATE VIRTUAL")) {
          tables.add(new Table(name, sql.toUpperCase(Locale.ROOT).contains("WITHOUT ROWID")));
        }
      }
    }
    for (Table table : tables) {
      dumpTable(connection, table, lines);
    }
    return lines;
  }

  private static void dumpTable(Connection connection, Table table, List<String> lines)
      throws SQLException {
    String quoted = "\"" + table.name.replace("\"", "\"\"") + "\"";
    String query =
        table.withoutRowid
            ? "SELECT * FROM " + quoted
            : "SELECT rowid, * FROM " + quoted + " ORDER BY rowid";
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder line = new StringBuilder("row ").append(table.name).append(':');
        for (int c = 1; c <= columns; c++) {
          line.append(' ').append(render(rs.getObject(c)));
        }
        rows.add(line.toString());
      }
    }
    if (table.withoutRowid) {
      rows.sort(null);
    }
    lines.addAll(rows);
  }

  private static String render(Object value) {
    return switch (value) {
      case null -> "NULL";
      case Integer i -> "INTEGER " + i;
      case Long l -> "INTEGER " + l;
      case Double d -> "REAL " + d;
      case Float f -> "REAL " + f;
      case String s -> "TEXT '" + s.replace("'", "''") + "'";
      case byte[] b -> "BLOB x'" + HexFormat.of().formatHex(b) + "'";
      default -> value.getClass().getSimpleName() + " " + value;
    };
  }

  private record Table(String name, boolean withoutRowid) {}
}
