package io.litestream4j.cli;

import io.litestream4j.server.CommandRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs CLI commands inside the running {@code replicate} for the MCP tools: a fresh picocli command
 * line per call with its own output and error writers, inside {@link DaemonScope} (the daemon's
 * logging and signal handlers left alone). No process is spawned and nothing is written to the
 * daemon's stdout.
 */
final class InProcessCommands implements CommandRunner {
  @Override
  public Result run(List<String> args) {
    return DaemonScope.run(
        () -> {
          StringWriter out = new StringWriter();
          StringWriter err = new StringWriter();
          String[] argv = Flags.normalize(args.toArray(String[]::new));
          CommandLine cli = Main.newCommandLine(argv);
          cli.setOut(new PrintWriter(out, true));
          cli.setErr(new PrintWriter(err, true));
          int code = cli.execute(argv);
          return new Result(code, out.toString(), err.toString());
        });
  }
}
