package io.litestream4j.cli;

import io.litestream4j.config.Config;
import io.litestream4j.config.ConfigLoader;
import io.litestream4j.config.LoadedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code -config PATH} and {@code -no-expand-env} flags every config-reading command shares,
 * and loading the file they name: {@code -config}, else {@code $LITESTREAM_CONFIG}, else
 * {@code /etc/litestream.yml}. Warnings found while loading go to stderr.
 */
final class ConfigFlags {
  @Option(names = "-config", paramLabel = "PATH",
      description = "Configuration file (default: $LITESTREAM_CONFIG or /etc/litestream.yml).")
  Path path;

  @Option(names = "-no-expand-env", description = "Do not expand environment variables in the configuration.")
  boolean noExpandEnv;

  boolean given() {
    return path != null;
  }

  /** Loads the configuration this command should use; warnings are the caller's to report. */
  LoadedConfig read(Map<String, String> env) throws IOException {
    Path file = path != null ? path : ConfigLoader.defaultPath(env);
    return ConfigLoader.load(file, !noExpandEnv, env);
  }

  /** Loads the configuration this command should use, printing its warnings to {@code err}. */
  Config load(Map<String, String> env, PrintWriter err) throws IOException {
    LoadedConfig loaded = read(env);
    for (String warning : loaded.warnings()) {
      err.println("Warning: " + warning);
    }
    err.flush();
    return loaded.config();
  }
}
