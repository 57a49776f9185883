package io.litestream4j.cli;

import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into Litestream's shape: {@code Error: <message>} on stderr and exit code 1.
 * Usage errors add a {@code Try:} line naming the command's help.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
    cmd.getErr().println("Error: " + message);
    if (System.getenv("LITESTREAM4J_DEBUG") != null) {
      ex.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return 1;
  }

  /**
   * A command that ran out of Java heap: a message that says which limit was hit and how to raise
   * it, instead of a stack trace (a restore runs with {@code -Xmx1g} unless told otherwise). The
   * failed command has already cleaned up after itself (a restore removes its temporary file), and
   * the memory it held is unreachable by now, so printing this needs no reserve.
   */
  static int outOfMemory(OutOfMemoryError e, PrintStream err, long maxHeapBytes) {
    String what =
        e.getMessage() == null ? "out of memory" : "out of memory (" + e.getMessage() + ")";
    String limit =
        maxHeapBytes == Long.MAX_VALUE
            ? ""
            : " with a Java heap of at most " + (maxHeapBytes >> 20) + " MiB";
    err.println(
        "Error: "
            + what
            + limit
            + "; run it again with a larger heap, e.g. LITESTREAM4J_JAVA_OPTS=-Xmx4g");
    err.flush();
    return 1;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    if (cmd.getParent() == null
        && ex instanceof UnmatchedArgumentException unmatched
        && args.length > 0
        && !args[0].startsWith("-")
        && unmatched.getUnmatched().indexOf(args[0]) == 0) {
      // Litestream's wording for a command it does not know, plus the nearest ones.
      cmd.getErr().println(cmd.getCommandName() + " " + args[0] + ": unknown command");
      List<String> near = unmatched.getSuggestions();
      if (!near.isEmpty()) {
        cmd.getErr().println("Did you mean: " + String.join(", ", near) + "?");
      }
    } else {
      cmd.getErr().println("Error: " + ex.getMessage());
    }
    cmd.getErr().println("Try: " + cmd.getCommandSpec().qualifiedName() + " -h");
    cmd.getErr().flush();
    return 1;
  }
}
