package io.litestream4j.cli;

import io.litestream4j.server.DatabaseRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code start DB_PATH}: opens a database the running replicator knows but has stopped. */
@Command(name = "start", description = "Starts replicating a database the running replicator has stopped.")
final class StartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SocketFlags socket;

  @Option(names = "-timeout", paramLabel = "SECONDS", description = "Give up after this many seconds (default 30).")
  int timeout = 30;

  @Option(names = {"-h", "-help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Parameters(paramLabel = "DB_PATH", arity = "1")
  String path;

  @Override
  public Integer call() throws Exception {
    return StartCommand.run(spec, socket, timeout, "/start", path, "running");
  }

  static int run(CommandSpec spec, SocketFlags socket, int timeout, String route, String path, String state)
      throws Exception {
    String db = DatabaseRegistry.normalize(path).toString();
    Map<String, Object> r = socket.client(Math.max(timeout, 1)).post(route, Map.of("path", db, "timeout", timeout));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", r.get("status"));
    out.put("db_path", r.getOrDefault("path", db));
    out.put("state", state);
    out.put("txid", SocketOutput.txid(r, "txid"));
    out.put("socket", socket.socket.toString());
    SocketOutput.print(spec.commandLine().getOut(), socket.json, out);
    return 0;
  }
}
