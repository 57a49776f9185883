package io.litestream4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

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

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    cmd.getErr().println("Error: " + ex.getMessage());
    cmd.getErr().println("Try: " + cmd.getCommandSpec().qualifiedName() + " -h");
    cmd.getErr().flush();
    return 1;
  }
}
