package io.litestream4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code litestream4j} command line. It only wires subcommands together;
 * every subcommand parses its arguments, calls {@code core} and prints the result.
 *
 * <p>Exit codes follow Litestream: 0 on success, 1 on any error (printed as {@code Error: ...}).
 */
@Command(
    name = "litestream4j",
    mixinStandardHelpOptions = false,
    description = "Streaming replication for SQLite databases (Litestream compatible).",
    subcommands = {
      ReplicateCommand.class,
      LtxFileCommand.class,
      VersionCommand.class,
      RestoreCommand.class,
      LtxCommand.class,
      WalCommand.class,
      DatabasesCommand.class,
      StatusCommand.class,
      ResetCommand.class,
      StartCommand.class,
      StopCommand.class,
      SyncCommand.class,
      RegisterCommand.class,
      UnregisterCommand.class,
      ListCommand.class,
      InfoCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Main {
  @picocli.CommandLine.Mixin HelpFlag help;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; never calls {@link System#exit}. */
  public static int run(String... args) {
    CommandLine cli = newCommandLine();
    if (args.length == 0) {
      cli.usage(System.err);
      return 1;
    }
    return cli.execute(Flags.normalize(args));
  }

  static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(new ErrorHandler());
    HelpText.install(cli);
    return cli;
  }
}
