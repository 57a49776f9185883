package io.litestream4j.cli;

import picocli.CommandLine.Option;

/** {@code -json} of the commands that print a {@link TableOrJson} listing. */
final class TableFlag {
  @Option(names = "-json", description = "Print JSON instead of a table.")
  boolean json;
}
