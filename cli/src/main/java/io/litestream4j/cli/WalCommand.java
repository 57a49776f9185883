package io.litestream4j.cli;

import picocli.CommandLine.Command;

/**
 * {@code wal}: Litestream's deprecated name of {@code ltx}; warns on stderr, then does the same.
 */
@Command(name = "wal", hidden = true, description = "Deprecated alias of ltx.")
final class WalCommand extends LtxCommand {
  @Override
  public Integer call() throws Exception {
    spec.commandLine()
        .getErr()
        .println("Warning: 'wal' command is deprecated, please use 'ltx' instead");
    spec.commandLine().getErr().flush();
    return super.call();
  }
}
