package io.litestream4j.cli;

import io.litestream4j.config.Config;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.LoadedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code -config PATH} and {@code -no-expand-env} flags every config-reading command shares,
 * and loading the file they name: {@code -config}, else {@code $LITESTREAM_CONFIG}, else {@code
 * /etc/litestream.yml}. Warnings found while loading go to stderr; the file's {@code logging}
 * section is applied.
 *
 * <p>A set of {@link SharedFlags}: a command that reads a configuration names its instance, and
 * {@link Main} adds the flags to its model.
 */
final class ConfigFlags implements SharedFlags {

  private final CommandSpec flags = CommandSpec.create();
  private final CommandOptions.Value<Path> path =
      new CommandOptions(flags)
          .option(
              Path.class,
              "-config",
              "PATH",
              "Configuration file (default: $LITESTREAM_CONFIG or /etc/litestream.yml).");
  private final CommandOptions.Flag noExpandEnv =
      new CommandOptions(flags)
          .flag("-no-expand-env", "Do not expand environment variables in the configuration.");

  /**
   * Whether the command prints its results on stdout, so logs must go to stderr whatever the
   * configuration's {@code logging.stderr} says. Set by the command before loading.
   */
  boolean stdoutIsOutput = true;

  @Override
  public List<OptionSpec> options() {
    return flags.options();
  }

  boolean given() {
    return path.get() != null;
  }

  private boolean expandEnv() {
    return !noExpandEnv.isSet();
  }

  /** Loads the configuration this command should use; warnings are the caller's to report. */
  LoadedConfig read(Map<String, String> env) throws IOException {
    return ConfigLoader.load(file(env), expandEnv(), env);
  }

  /** The file this command reads its configuration from. */
  Path file(Map<String, String> env) {
    @Nullable Path p = path.get();
    return p != null ? p : ConfigLoader.defaultPath(env);
  }

  /**
   * Loads the configuration this command should use, applies its {@code logging} section and prints
   * its warnings to {@code err}.
   */
  Config load(Map<String, String> env, PrintWriter err) throws IOException {
    LoadedConfig loaded = read(env);
    Logging.configure(loaded.config().logging(), null, stdoutIsOutput);
    for (String warning : loaded.warnings()) {
      err.println("Warning: " + warning);
    }
    err.flush();
    return loaded.config();
  }
}
