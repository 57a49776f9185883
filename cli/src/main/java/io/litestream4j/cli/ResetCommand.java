package io.litestream4j.cli;

import io.litestream4j.config.Config;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.DbConfig;
import io.litestream4j.config.LoggingConfig;
import io.litestream4j.db.LocalLtxDir;
import io.litestream4j.internal.FileTrees;
import io.litestream4j.internal.ProcessFileLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code reset [-dry-run] DB_PATH}: deletes the database's local LTX state ({@code <meta>/ltx}) so
 * the next sync starts over with a snapshot; the database itself is not touched. As in Litestream,
 * the configuration is read only when {@code -config} is given (to find a configured {@code
 * meta-path}); otherwise the default {@code .<db>-litestream} directory is used. Not coordinated
 * with a running replicator: stop it first.
 */
@Command(name = "reset", description = "Deletes a database's local replication state.")
final class ResetCommand implements Callable<Integer>, SharedFlags.User {
  @Spec CommandSpec spec;

  final ConfigFlags config = new ConfigFlags();

  @Override
  public List<SharedFlags> sharedFlags() {
    return List.of(config);
  }

  @Option(
      names = "-dry-run",
      description = "Print the local files that would be removed, remove nothing.")
  boolean dryRun;

  @Parameters(arity = "0..*", paramLabel = "DB_PATH")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Logging.configure(new LoggingConfig("info", "text", true, false), null);
    if (args.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "database path required");
    }
    if (args.size() > 1) {
      throw new ParameterException(spec.commandLine(), "too many arguments");
    }
    Map<String, String> env = System.getenv();
    Path db = ConfigLoader.expandPath(args.getFirst(), env);
    Optional<DbConfig> entry = Optional.empty();
    if (config.given()) {
      Config cfg = config.load(env, spec.commandLine().getErr());
      entry = cfg.db(db);
    }
    if (!Files.exists(db)) {
      throw new IllegalArgumentException("database does not exist: " + db);
    }
    Path meta =
        entry.map(DbConfig::resolvedMetaPath).orElseGet(() -> LocalLtxDir.defaultMetaDir(db));
    Path ltxDir = meta.resolve("ltx");
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.exists(meta)) {
      out.println("No local state to reset for " + db);
      out.println("Meta directory does not exist: " + meta);
      out.flush();
      return 0;
    }
    if (dryRun) {
      List<Path> files = files(ltxDir);
      out.println("Dry run: local Litestream state would be reset for: " + db);
      out.println("Would remove: " + ltxDir);
      if (files.isEmpty()) {
        out.println("No local LTX files would be removed.");
      } else {
        out.println("Files that would be removed:");
        files.forEach(f -> out.println("  " + f));
        out.println("No files were removed.");
      }
      out.flush();
      return 0;
    }
    // Held while deleting: a replicator starting meanwhile waits for nothing but is refused.
    ProcessFileLock.Attempt running = ProcessFileLock.tryAcquire(new LocalLtxDir(meta).lockFile());
    if (running.lock().isEmpty()) {
      throw new IllegalStateException(
          "a replicator is running on "
              + db
              + " (it holds "
              + new LocalLtxDir(meta).lockFile()
              + "); stop it first, or use its control socket's reset command");
    }
    try (ProcessFileLock held = running.lock().get()) {
      out.println("Resetting local Litestream state for: " + db);
      out.println("Removing: " + ltxDir);
      out.flush();
      try {
        FileTrees.delete(ltxDir);
      } catch (IOException e) {
        throw new IOException("reset failed: cannot remove " + ltxDir + ": " + e.getMessage(), e);
      }
    }
    out.println(
        "Reset complete. The next replication sync continues from the replica's latest state if the"
            + " database still matches it, and uploads a full snapshot if not.");
    out.flush();
    return 0;
  }

  private static List<Path> files(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
