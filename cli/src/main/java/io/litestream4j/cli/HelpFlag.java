package io.litestream4j.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h} / {@code -help}, declared once for every command and subcommand (and the top-level
 * one); {@code --help} reaches it through {@link Flags#normalize}.
 */
final class HelpFlag {
  @Option(
      names = {"-h", "-help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;
}
