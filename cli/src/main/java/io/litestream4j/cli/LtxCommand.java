package io.litestream4j.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ltx [-level N|all] [-json] DB_PATH|REPLICA_URL}: the LTX files on a replica. Its model is
 * built without annotations ({@link CommandOptions}). Not final: the deprecated alias {@link
 * WalCommand} is this command with a warning.
 */
class LtxCommand implements Callable<Integer>, SharedFlags.User {
  final CommandSpec spec;
  private final LtxListing listing;

  LtxCommand() {
    this("ltx", "Lists the LTX files of a database's replica or a replica URL.", false);
  }

  /** The listing command under {@code name}, hidden from the top-level help if {@code hidden}. */
  LtxCommand(String name, String description, boolean hidden) {
    spec = CommandSpec.wrapWithoutInspection(this).name(name);
    spec.usageMessage().description(description).hidden(hidden);
    listing = new LtxListing(new CommandOptions(spec));
  }

  /** The model picocli parses into; its user object is this command. */
  final CommandSpec spec() {
    return spec;
  }

  @Override
  public final List<SharedFlags> sharedFlags() {
    return listing.sharedFlags();
  }

  @Override
  public Integer call() throws Exception {
    return listing.run(spec.commandLine());
  }
}
