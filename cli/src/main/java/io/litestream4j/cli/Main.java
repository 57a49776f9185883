package io.litestream4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Entry point of the {@code litestream4j} command line. It only wires subcommands together; every
 * subcommand parses its arguments, calls {@code core} and prints the result.
 *
 * <p>Exit codes follow Litestream: 0 on success, 1 on any error (printed as {@code Error: ...}).
 */
@Command(
    name = Main.NAME,
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
  static final String NAME = "litestream4j";

  @picocli.CommandLine.Mixin HelpFlag help;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; never calls {@link System#exit}. */
  public static int run(String... args) {
    if (args.length == 0) {
      newCommandLine().usage(System.err);
      return 1;
    }
    String[] normalized = Flags.normalize(args);
    return newCommandLine(normalized).execute(normalized);
  }

  /** The full command tree: every subcommand's model is built (top-level help, completion). */
  static CommandLine newCommandLine() {
    return configure(new CommandLine(new Main()));
  }

  /**
   * A command line able to run {@code args}: when the first argument names a subcommand, only that
   * subcommand's model is built under a bare root of the same name (see {@link CommandTable});
   * anything else ({@code help}, {@code -h}, an unknown command) gets the full tree, so its help
   * and errors are unchanged.
   */
  static CommandLine newCommandLine(String[] args) {
    if (args.length == 0) {
      return newCommandLine();
    }
    return CommandTable.create(args[0])
        .map(
            command -> {
              CommandLine root = new CommandLine(CommandSpec.create().name(NAME));
              root.addSubcommand(args[0], new CommandLine(command));
              return configure(root);
            })
        .orElseGet(Main::newCommandLine);
  }

  private static CommandLine configure(CommandLine cli) {
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(new ErrorHandler());
    HelpText.install(cli);
    return cli;
  }
}
