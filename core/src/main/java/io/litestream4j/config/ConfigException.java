package io.litestream4j.config;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A configuration (file, command-line arguments or replica URL) is invalid.
 *
 * <p>The message always names the offending key (as a path such as {@code
 * dbs[0].monitor-interval}), the rule that was broken and the value that broke it, plus the file
 * and line when known, e.g. {@code dbs[0].monitor-interval: must be >= 0 (got "-1s") at
 * /etc/litestream.yml:7}. Nothing is started from a configuration that failed to load.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String key;
  private final @Nullable String value;

  /** An error about {@code key} with no particular value (e.g. a missing or conflicting key). */
  public ConfigException(String key, String rule) {
    this(key, rule, null, null);
  }

  /** An error about {@code value} of {@code key}; {@code where} ("file:line") may be null. */
  public ConfigException(String key, String rule, @Nullable String value, @Nullable String where) {
    this(key, rule, value, where, null);
  }

  ConfigException(
      String key,
      String rule,
      @Nullable String value,
      @Nullable String where,
      @Nullable Throwable cause) {
    super(format(key, rule, value, where), cause);
    this.key = key;
    this.value = value;
  }

  /** The key path the error is about, e.g. {@code dbs[0].replica.url}; empty for the whole file. */
  public String key() {
    return key;
  }

  /** The offending value as written, if the error is about a value. */
  public Optional<String> value() {
    return Optional.ofNullable(value);
  }

  private static String format(
      String key, String rule, @Nullable String value, @Nullable String where) {
    var sb = new StringBuilder();
    if (key != null && !key.isEmpty()) {
      sb.append(key).append(": ");
    }
    sb.append(rule);
    if (value != null) {
      sb.append(" (got \"").append(value).append("\")");
    }
    if (where != null) {
      sb.append(" at ").append(where);
    }
    return sb.toString();
  }
}
