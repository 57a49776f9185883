package io.litestream4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The top-level subcommands by name, each with a constructor that needs no reflection. Start-up
 * cost matters for a command line that scripts run (a restore in a container entrypoint): picocli
 * builds a command's model by reflecting over its annotations, so {@link Main} builds only the
 * model of the command being run and the full tree only for top-level help, completion and unknown
 * commands. The names here must equal the {@code @Command(name)} of each class and the list {@link
 * Main}'s {@code subcommands} (a test holds them equal).
 */
final class CommandTable {
  private static final Map<String, Supplier<Object>> COMMANDS = commands();

  private CommandTable() {}

  private static Map<String, Supplier<Object>> commands() {
    Map<String, Supplier<Object>> m = new LinkedHashMap<>();
    m.put("replicate", ReplicateCommand::new);
    m.put("ltx-file", LtxFileCommand::new);
    m.put("version", VersionCommand::new);
    m.put("restore", RestoreCommand::new);
    m.put("ltx", LtxCommand::new);
    m.put("wal", WalCommand::new);
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
    return Map.copyOf(m);
  }

  /**
   * A new instance of the command called {@code name}, if there is one ({@code help} is not in the
   * table).
   */
  static Optional<Object> create(String name) {
    Supplier<Object> s = COMMANDS.get(name);
    return s == null ? Optional.empty() : Optional.of(s.get());
  }

  /** Every name in the table. */
  static java.util.Set<String> names() {
    return COMMANDS.keySet();
  }
}
