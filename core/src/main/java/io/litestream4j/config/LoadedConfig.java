package io.litestream4j.config;

import java.util.List;
import java.util.Objects;

/**
 * A successfully loaded configuration together with the warnings found while reading it (unknown or
 * deprecated keys, ignored values). Warnings never stop loading, but callers should log them: a
 * misspelt key silently falling back to a default is how replication settings get lost.
 */
public record LoadedConfig(Config config, List<String> warnings) {

  public LoadedConfig {
    Objects.requireNonNull(config, "config");
    warnings = List.copyOf(warnings);
  }
}
