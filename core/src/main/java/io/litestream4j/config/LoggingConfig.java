package io.litestream4j.config;

import java.util.Objects;

/**
 * The {@code logging} section.
 *
 * @param level lower-case {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}
 *     (default {@code info}; {@code LOG_LEVEL} in the environment overrides the file)
 * @param type {@code text}, {@code json} or {@code pretty} (default {@code text})
 * @param stderr log to standard error instead of standard output
 * @param source add the source location to each record
 */
public record LoggingConfig(String level, String type, boolean stderr, boolean source) {

  public static final LoggingConfig DEFAULT = new LoggingConfig("info", "text", false, false);

  public LoggingConfig {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(type, "type");
  }

  public LoggingConfig withLevel(String newLevel) {
    return new LoggingConfig(newLevel, type, stderr, source);
  }
}
