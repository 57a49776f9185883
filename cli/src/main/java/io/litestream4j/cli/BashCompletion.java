package io.litestream4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the bash completion script of the full command tree (run by the distribution's build).
 * Picocli's own generator reads the subcommands from {@link Main}'s annotation, which no longer
 * names them: the tree is built by {@link Main#newCommandLine()} from {@link CommandTable}.
 */
public final class BashCompletion {
  private BashCompletion() {}

  /** {@code BashCompletion OUTPUT_FILE}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: BashCompletion OUTPUT_FILE");
    }
    Files.writeString(Path.of(args[0]), AutoComplete.bash(Main.NAME, Main.newCommandLine()));
  }
}
