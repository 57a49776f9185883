package io.litestream4j.cli;

import io.litestream4j.server.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code info}: version, PID, uptime and database count of the running replicator. */
@Command(name = "info", description = "Shows version, PID, uptime and database count of the running replicator.")
final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SocketFlags socket;

  @Option(names = "-timeout", paramLabel = "SECONDS", description = "Give up after this many seconds (default 10).")
  int timeout = 10;

  @Option(names = {"-h", "-help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> r = socket.client(timeout).get("/info", Map.of());
    PrintWriter out = spec.commandLine().getOut();
    if (socket.json) {
      out.println(Json.write(r));
    } else {
      out.println("Litestream " + r.get("version"));
      out.println("PID: " + r.get("pid"));
      out.println("Uptime: " + r.get("uptime_seconds") + "s");
      out.println("Started at: " + r.get("started_at"));
      out.println("Databases: " + r.get("database_count"));
    }
    out.flush();
    return 0;
  }
}
