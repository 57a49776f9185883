package io.litestream4j.cli;

/**
 * {@code wal}: Litestream's deprecated name of {@code ltx}; warns on stderr, then does the same.
 * Hidden from the top-level help.
 */
final class WalCommand extends LtxCommand {
  WalCommand() {
    super("wal", "Deprecated alias of ltx.", true);
  }

  @Override
  public Integer call() throws Exception {
    spec.commandLine()
        .getErr()
        .println("Warning: 'wal' command is deprecated, please use 'ltx' instead");
    spec.commandLine().getErr().flush();
    return super.call();
  }
}
