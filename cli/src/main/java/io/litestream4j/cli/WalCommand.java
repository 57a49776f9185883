package io.litestream4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wal}: Litestream's deprecated name of {@code ltx}; warns on stderr, then does the same. */
@Command(name = "wal", hidden = true, description = "Deprecated alias of ltx.")
final class WalCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  LtxListing listing;

  @Option(names = {"-h", "-help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Override
  public Integer call() throws Exception {
    spec.commandLine().getErr().println("Warning: 'wal' command is deprecated, please use 'ltx' instead");
    spec.commandLine().getErr().flush();
    return listing.run(spec.commandLine());
  }
}
