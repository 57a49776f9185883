package io.litestream4j.cli;

import io.litestream4j.server.ControlSocketClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sync [-wait] DB_PATH}: syncs the WAL into local L0 files now; with {@code -wait} returns
 * only when the replica holds everything committed before the call (restorable).
 */
@Command(
    name = "sync",
    description = "Syncs a database now; with -wait, until the replica holds every commit.")
final class SyncCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin SocketFlags socket;

  @Option(
      names = "-wait",
      description = "Wait until the replica holds everything committed so far.")
  boolean await;

  @Mixin DatabaseArgument database;

  @Override
  public Integer call() throws Exception {
    String db = database.normalized();
    long start = System.nanoTime();
    socket.client(); // validates -timeout
    // The client waits a little longer than the server, so the server's timeout error is the one
    // seen.
    Map<String, Object> r =
        new ControlSocketClient(socket.socket, Duration.ofSeconds(socket.timeout + 5L))
            .post("/sync", Map.of("path", db, "wait", await, "timeout", socket.timeout));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("db_path", r.getOrDefault("path", db));
    out.put("txid", SocketOutput.txid(r, "txid"));
    if (await) {
      out.put("replica_txid", SocketOutput.txid(r, "replicated_txid"));
    }
    out.put("duration_ms", (System.nanoTime() - start) / 1_000_000);
    SocketOutput.print(spec.commandLine().getOut(), socket.json, out);
    return 0;
  }
}
