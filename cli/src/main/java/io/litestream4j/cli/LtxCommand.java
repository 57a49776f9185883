package io.litestream4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ltx [-level N|all] [-json] DB_PATH|REPLICA_URL}: the LTX files on a replica. Not final:
 * the deprecated alias {@link WalCommand} is this command with a warning.
 */
@Command(
    name = "ltx",
    description = "Lists the LTX files of a database's replica or a replica URL.")
class LtxCommand implements Callable<Integer>, ConfigFlags.User {
  @Spec CommandSpec spec;

  @Mixin LtxListing listing;

  @Override
  public ConfigFlags configFlags() {
    return listing.config;
  }

  @Override
  public Integer call() throws Exception {
    return listing.run(spec.commandLine());
  }
}
