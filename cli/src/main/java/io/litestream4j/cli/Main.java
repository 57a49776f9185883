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
    description = "Streaming replication for SQLite databases (Litestream compatible).")
public final class Main {
  static final String NAME = "litestream4j";

  public static void main(String[] args) {
    CliLoggingProvider.install();
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; never calls {@link System#exit}. */
  public static int run(String... args) {
    if (args.length == 0) {
      newCommandLine().usage(System.err);
      return 1;
    }
    if (args.length == 1 && args[0].equals("version")) {
      // What scripts and health checks run most, answered without a picocli model: building and
      // parsing one took 14 of the ~45 ms this command spends after the JVM's own start-up.
      System.out.println(VersionCommand.version());
      System.out.flush();
      return 0;
    }
    String[] normalized = Flags.normalize(args);
    try {
      return newCommandLine(normalized).execute(normalized);
    } catch (OutOfMemoryError e) {
      return ErrorHandler.outOfMemory(e, System.err, Runtime.getRuntime().maxMemory());
    }
  }

  /**
   * The full command tree: every subcommand's model is built (top-level help, completion), in
   * {@link CommandTable}'s order, then picocli's {@code help}.
   */
  static CommandLine newCommandLine() {
    CommandLine root = new CommandLine(new Main());
    for (String name : CommandTable.names()) {
      root.addSubcommand(name, CommandTable.create(name).orElseThrow());
    }
    root.addSubcommand("help", new CommandLine.HelpCommand());
    return configure(root);
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
              root.addSubcommand(args[0], command);
              return configure(root);
            })
        .orElseGet(Main::newCommandLine);
  }

  private static CommandLine configure(CommandLine cli) {
    // Flags are Go-style words (-config, -txid): "-endpoint" is an unknown flag, not -e -n -d -p
    // -o…
    cli.setPosixClusteredShortOptionsAllowed(false);
    HelpFlag.addTo(cli);
    SharedFlags.addTo(cli);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setParameterExceptionHandler(new ErrorHandler());
    HelpText.install(cli);
    return cli;
  }
}
