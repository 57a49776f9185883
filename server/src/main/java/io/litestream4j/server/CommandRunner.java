package io.litestream4j.server;

import java.util.List;

/**
 * Runs one litestream4j CLI command in-process and captures what it prints (the MCP tools use the
 * CLI's own commands, so their output is exactly the CLI's). Supplied by the cli module.
 */
@FunctionalInterface
public interface CommandRunner {
  record Result(int exitCode, String out, String err) {}

  Result run(List<String> args);
}
