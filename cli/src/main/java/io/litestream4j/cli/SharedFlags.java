package io.litestream4j.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A set of flags several commands share ({@link ConfigFlags}, {@link TableFlag}), declared once and
 * without annotations (see {@link CommandOptions}) so that commands built programmatically and
 * annotated ones share the same declaration. Each command has its own instance, which reads the
 * values parsed into it; a command names its sets ({@link User}) and {@link Main} adds them to its
 * model ({@link #addTo}).
 */
interface SharedFlags {
  /** The options of this set, added to the model of the command that owns it. */
  List<OptionSpec> options();

  /** A command with shared flag sets. */
  interface User {
    List<SharedFlags> sharedFlags();
  }

  /**
   * Adds the sets of every command in {@code cmd}'s tree that is a {@link User} to its model (once,
   * however many names the command has).
   */
  static void addTo(CommandLine cmd) {
    CommandSpec spec = cmd.getCommandSpec();
    if (spec.userObject() instanceof User user) {
      for (SharedFlags set : user.sharedFlags()) {
        for (OptionSpec option : set.options()) {
          if (!spec.options().contains(option)) {
            spec.addOption(option);
          }
        }
      }
    }
    for (CommandLine sub : cmd.getSubcommands().values()) {
      addTo(sub);
    }
  }
}
