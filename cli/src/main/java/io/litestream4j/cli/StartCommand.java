package io.litestream4j.cli;

import picocli.CommandLine.Command;

/** {@code start DB_PATH}: opens a database the running replicator knows but has stopped. */
@Command(
    name = "start",
    description = "Starts replicating a database the running replicator has stopped.")
final class StartCommand extends DatabaseToggle {
  @Override
  String route() {
    return "/start";
  }

  @Override
  String state() {
    return "running";
  }
}
