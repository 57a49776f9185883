package io.litestream4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code -h} / {@code -help}, declared once here and added by {@link Main} to every command and
 * subcommand of the tree it builds (and the top-level one); {@code --help} reaches it through
 * {@link Flags#normalize}. It is added to the model rather than declared as an annotated mixin so
 * that commands built without annotations (see {@link CommandOptions}) share it.
 */
final class HelpFlag {
  private HelpFlag() {}

  /**
   * Adds the flag to {@code cmd} and every command below it, except those that declare a usage-help
   * option of their own (picocli's {@code help} command).
   */
  static void addTo(CommandLine cmd) {
    CommandSpec spec = cmd.getCommandSpec();
    if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
      spec.addOption(
          OptionSpec.builder("-h", "-help")
              .type(boolean.class)
              .usageHelp(true)
              .description("Show this help.")
              .build());
    }
    for (CommandLine sub : cmd.getSubcommands().values()) {
      addTo(sub);
    }
  }
}
