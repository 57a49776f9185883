package io.litestream4j.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code -json} of the commands that print a {@link TableOrJson} listing. */
final class TableFlag implements SharedFlags {
  private final CommandSpec flags = CommandSpec.create();
  private final CommandOptions.Flag json =
      new CommandOptions(flags).flag("-json", "Print JSON instead of a table.");

  boolean json() {
    return json.isSet();
  }

  @Override
  public List<OptionSpec> options() {
    return flags.options();
  }
}
