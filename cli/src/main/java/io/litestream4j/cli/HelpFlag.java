package io.litestream4j.cli;

import picocli.CommandLine.Option;

/** {@code -h} / {@code -help}, declared once for every command (and the top-level one). */
final class HelpFlag {
  @Option(
      names = {"-h", "-help"},
      usageHelp = true,
      description = "Show this help.")
  boolean help;
}
