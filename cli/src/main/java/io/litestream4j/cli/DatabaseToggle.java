package io.litestream4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code start} and {@code stop}: switch one database of the running replicator on or off through
 * the control socket, giving the server {@code -timeout}, and print the state it ends in.
 */
abstract sealed class DatabaseToggle implements Callable<Integer>
    permits StartCommand, StopCommand {
  @Spec CommandSpec spec;

  @Mixin SocketFlags socket;

  @Mixin DatabaseArgument database;

  /** The socket route that switches the database. */
  abstract String route();

  /** The state the database is in once the route succeeded. */
  abstract String state();

  @Override
  public final Integer call() throws Exception {
    String db = database.normalized();
    Map<String, Object> r =
        socket
            .client(Math.max(socket.timeout, 1))
            .post(route(), Map.of("path", db, "timeout", socket.timeout));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", r.get("status"));
    out.put("db_path", r.getOrDefault("path", db));
    out.put("state", state());
    out.put("txid", SocketOutput.txid(r, "txid"));
    out.put("socket", socket.socket.toString());
    SocketOutput.print(spec.commandLine().getOut(), socket.json, out);
    return 0;
  }
}
