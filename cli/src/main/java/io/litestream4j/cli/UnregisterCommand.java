package io.litestream4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code unregister DB_PATH}: stops a database (final sync) and removes it from the running
 * replicator.
 */
@Command(
    name = "unregister",
    description = "Stops a database (final sync) and removes it from the running replicator.")
final class UnregisterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SocketFlags socket;

  @Option(names = "-dry-run", description = "Print what would be sent; change nothing.")
  boolean dryRun;

  @Mixin DatabaseArgument database;

  @Override
  public Integer call() throws Exception {
    String db = database.normalized();
    Map<String, Object> out = new LinkedHashMap<>();
    if (dryRun) {
      out.put("status", "dry_run");
      out.put("db_path", db);
      out.put("socket", socket.socket.toString());
      SocketOutput.print(spec.commandLine().getOut(), socket.json, out);
      return 0;
    }
    Map<String, Object> r =
        socket.client().post("/unregister", Map.of("path", db, "timeout", socket.timeout));
    out.put("status", r.get("status"));
    out.put("db_path", r.getOrDefault("path", db));
    out.put("final_txid", SocketOutput.txid(r, "txid"));
    out.put("socket", socket.socket.toString());
    SocketOutput.print(spec.commandLine().getOut(), socket.json, out);
    return 0;
  }
}
