package io.litestream4j.cli;

import io.litestream4j.config.Config;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.LoadedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The {@code -config PATH} and {@code -no-expand-env} flags every config-reading command shares,
 * and loading the file they name: {@code -config}, else {@code $LITESTREAM_CONFIG}, else {@code
 * /etc/litestream.yml}. Warnings found while loading go to stderr; the file's {@code logging}
 * section is applied.
 */
final class ConfigFlags {
  @Option(
      names = "-config",
      paramLabel = "PATH",
      description = "Configuration file (default: $LITESTREAM_CONFIG or /etc/litestream.yml).")
  @Nullable Path path;

  @Option(
      names = "-no-expand-env",
      description = "Do not expand environment variables in the configuration.")
  boolean noExpandEnv;

  /**
   * Whether the command prints its results on stdout, so logs must go to stderr whatever the
   * configuration's {@code logging.stderr} says. Set by the command before loading.
   */
  boolean stdoutIsOutput = true;

  boolean given() {
    return path != null;
  }

  /** Loads the configuration this command should use; warnings are the caller's to report. */
  LoadedConfig read(Map<String, String> env) throws IOException {
    return ConfigLoader.load(file(env), !noExpandEnv, env);
  }

  /** The file this command reads its configuration from. */
  Path file(Map<String, String> env) {
    return path != null ? path : ConfigLoader.defaultPath(env);
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
