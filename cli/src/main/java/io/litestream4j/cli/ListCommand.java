package io.litestream4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code list}: the databases of the running replicator, with state and last sync time. */
@Command(name = "list", description = "Lists the databases of the running replicator.")
final class ListCommand extends ReplicatorQuery {
  @Override
  String route() {
    return "/list";
  }

  @Override
  void printText(PrintWriter out, Map<String, Object> r) {
    List<?> dbs = r.get("databases") instanceof List<?> l ? l : List.of();
    if (dbs.isEmpty()) {
      out.println("No databases configured");
    }
    for (Object o : dbs) {
      Map<?, ?> m = (Map<?, ?>) o;
      Object last = m.get("last_sync_at");
      out.println(
          m.get("path")
              + " ["
              + m.get("status")
              + "] (last sync: "
              + (last == null ? "never" : last)
              + ")");
    }
  }
}
