package io.litestream4j.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.SequencedSet;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The top-level subcommands by name, in the order the top-level help lists them, each with a
 * constructor that needs no reflection. Start-up cost matters for a command line that scripts run
 * (a restore in a container entrypoint): picocli builds an annotated command's model by reflecting
 * over its annotations, so {@link Main} builds only the model of the command being run and the full
 * tree only for top-level help, completion and unknown commands. This table is the only list of
 * subcommands: the full tree is built from it. A name must equal the {@code @Command(name)} of an
 * annotated command, or the name of a programmatic command's spec (a test holds them equal).
 */
final class CommandTable {
  private static final SequencedMap<String, Supplier<Object>> COMMANDS = commands();

  private CommandTable() {}

  private static SequencedMap<String, Supplier<Object>> commands() {
    SequencedMap<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("replicate", ReplicateCommand::new);
    m.put("ltx-file", () -> new LtxFileCommand().spec());
    m.put("version", () -> new VersionCommand().spec());
    m.put("restore", () -> new RestoreCommand().spec());
    m.put("ltx", () -> new LtxCommand().spec());
    m.put("wal", () -> new WalCommand().spec());
    m.put("databases", DatabasesCommand::new);
    m.put("status", StatusCommand::new);
    m.put("reset", ResetCommand::new);
    m.put("start", StartCommand::new);
    m.put("stop", StopCommand::new);
    m.put("sync", SyncCommand::new);
    m.put("register", RegisterCommand::new);
    m.put("unregister", UnregisterCommand::new);
    m.put("list", ListCommand::new);
    m.put("info", InfoCommand::new);
    return Collections.unmodifiableSequencedMap(m);
  }

  /**
   * A new command line for the command called {@code name}, if there is one ({@code help} is not in
   * the table).
   */
  static Optional<CommandLine> create(String name) {
    Supplier<Object> s = COMMANDS.get(name);
    return s == null ? Optional.empty() : Optional.of(new CommandLine(s.get()));
  }

  /** Every name in the table, in help order. */
  static SequencedSet<String> names() {
    return COMMANDS.sequencedKeySet();
  }
}
