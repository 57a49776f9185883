package io.litestream4j.cli;

import picocli.CommandLine.Command;

/** {@code stop DB_PATH}: closes a database (final sync and upload); it stays registered. */
@Command(
    name = "stop",
    description = "Stops replicating a database (final sync first); it stays registered.")
final class StopCommand extends DatabaseToggle {
  @Override
  String route() {
    return "/stop";
  }

  @Override
  String state() {
    return "stopped";
  }
}
