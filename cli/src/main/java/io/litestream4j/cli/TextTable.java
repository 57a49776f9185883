package io.litestream4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Aligned text tables as Litestream prints them with Go's {@code tabwriter} (padding 2, spaces):
 * every column but the last is padded to its widest cell plus two spaces; the last is printed as
 * is.
 */
final class TextTable {
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... header) {
    rows.add(List.of(header));
  }

  TextTable row(Object... cells) {
    List<String> r = new ArrayList<>(cells.length);
    for (Object c : cells) {
      r.add(String.valueOf(c));
    }
    rows.add(r);
    return this;
  }

  void print(PrintWriter out) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] width = new int[columns];
    for (List<String> r : rows) {
      for (int c = 0; c < r.size() - 1; c++) {
        width[c] = Math.max(width[c], r.get(c).codePointCount(0, r.get(c).length()));
      }
    }
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < r.size(); c++) {
        String cell = r.get(c);
        line.append(cell);
        if (c < r.size() - 1) {
          line.append(" ".repeat(width[c] - cell.codePointCount(0, cell.length()) + 2));
        }
      }
      out.println(line);
    }
    out.flush();
  }
}
