package io.litestream4j.cli;

import io.litestream4j.server.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that reads one document from the running replicator's control socket and prints it as
 * text or, with {@code -json}, as it came. Such reads are quick, so the default timeout is 10 s.
 */
abstract sealed class ReplicatorQuery implements Callable<Integer>
    permits InfoCommand, ListCommand {
  @Spec CommandSpec spec;
  @Mixin SocketFlags socket = new SocketFlags(10);

  /** The socket route to read. */
  abstract String route();

  /** Prints the document for a person. */
  abstract void printText(PrintWriter out, Map<String, Object> document);

  @Override
  public final Integer call() throws Exception {
    Map<String, Object> r = socket.client().get(route(), Map.of());
    PrintWriter out = spec.commandLine().getOut();
    if (socket.json) {
      out.println(Json.write(r));
    } else {
      printText(out, r);
    }
    out.flush();
    return 0;
  }
}
