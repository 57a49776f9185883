package io.litestream4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stop DB_PATH}: closes a database (final sync and upload); it stays registered. */
@Command(name = "stop", description = "Stops replicating a database (final sync first); it stays registered.")
final class StopCommand implements Callable<Integer> {
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
    return StartCommand.run(spec, socket, timeout, "/stop", path, "stopped");
  }
}
