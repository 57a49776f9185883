package io.litestream4j.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code info}: version, PID, uptime and database count of the running replicator. */
@Command(
    name = "info",
    description = "Shows version, PID, uptime and database count of the running replicator.")
final class InfoCommand extends ReplicatorQuery {
  @Override
  String route() {
    return "/info";
  }

  @Override
  void printText(PrintWriter out, Map<String, Object> r) {
    out.println("Litestream " + r.get("version"));
    out.println("PID: " + r.get("pid"));
    out.println("Uptime: " + r.get("uptime_seconds") + "s");
    out.println("Started at: " + r.get("started_at"));
    out.println("Databases: " + r.get("database_count"));
  }
}
