package io.litestream4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a listing, printed as an aligned {@link TextTable} or, with {@code -json}, as a JSON
 * array of objects holding the same cells in the same order. Exists so every listing prints both
 * forms from one set of rows; numbers stay numbers in JSON.
 */
final class TableOrJson {
  /** One column: its key in JSON and its header in the table. */
  record Column(String key, String header) {
    static Column of(String name) {
      return new Column(name, name);
    }
  }

  private final List<Column> columns;
  private final List<Object[]> rows = new ArrayList<>();

  TableOrJson(Column... columns) {
    this.columns = List.of(columns);
  }

  TableOrJson row(Object... cells) {
    if (cells.length != columns.size()) {
      throw new IllegalArgumentException(
          "a row needs " + columns.size() + " cells (" + columns + "), got " + cells.length);
    }
    rows.add(cells.clone());
    return this;
  }

  /** The rows as JSON objects, keyed by column, for embedding in a larger JSON document. */
  List<Object> jsonRows() {
    List<Object> out = new ArrayList<>(rows.size());
    for (Object[] cells : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int c = 0; c < cells.length; c++) {
        m.put(columns.get(c).key(), cells[c]);
      }
      out.add(m);
    }
    return out;
  }

  /** Prints the table, or the JSON array when {@code json}, and flushes. */
  void print(PrintWriter out, boolean json) {
    if (json) {
      out.println(JsonOut.render(jsonRows()));
      out.flush();
      return;
    }
    TextTable table = new TextTable(columns.stream().map(Column::header).toArray(String[]::new));
    rows.forEach(table::row);
    table.print(out);
  }
}
