package io.litestream4j.cli;

import io.litestream4j.server.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code list}: the databases of the running replicator, with state and last sync time. */
@Command(name = "list", description = "Lists the databases of the running replicator.")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SocketFlags socket;

  @Option(names = "-timeout", paramLabel = "SECONDS", description = "Give up after this many seconds (default 10).")
  int timeout = 10;

  @Option(names = {"-h", "-help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> r = socket.client(timeout).get("/list", Map.of());
    PrintWriter out = spec.commandLine().getOut();
    if (socket.json) {
      out.println(Json.write(r));
    } else {
      List<?> dbs = r.get("databases") instanceof List<?> l ? l : List.of();
      if (dbs.isEmpty()) {
        out.println("No databases configured");
      }
      for (Object o : dbs) {
        Map<?, ?> m = (Map<?, ?>) o;
        Object last = m.get("last_sync_at");
        out.println(m.get("path") + " [" + m.get("status") + "] (last sync: " + (last == null ? "never" : last) + ")");
      }
    }
    out.flush();
    return 0;
  }
}
