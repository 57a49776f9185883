package io.litestream4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code register -replica URL DB_PATH}: adds a database to the running replicator. */
@Command(name = "register", description = "Adds a database to the running replicator.")
final class RegisterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SocketFlags socket;

  @Option(
      names = "-replica",
      paramLabel = "URL",
      required = true,
      description = "Replica URL, e.g. file:///backups/app or s3://bucket/app.")
  String replica;

  @Mixin DatabaseArgument database;

  @Override
  public Integer call() throws Exception {
    String db = database.normalized();
    Map<String, Object> r =
        socket.client().post("/register", Map.of("path", db, "replica_url", replica));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", r.get("status"));
    out.put("db_path", r.getOrDefault("path", db));
    out.put("replica", replica);
    out.put("socket", socket.socket.toString());
    SocketOutput.print(spec.commandLine().getOut(), socket.json, out);
    return 0;
  }
}
