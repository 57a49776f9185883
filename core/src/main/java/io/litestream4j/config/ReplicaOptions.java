package io.litestream4j.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Backend-specific replica settings ({@code bucket}, {@code region}, {@code endpoint}, {@code
 * part-size}, {@code host-key}, NATS credentials, ...) keyed by their YAML names.
 *
 * <p>Values were already checked and converted by the loader, so a getter never fails on a value's
 * syntax: strings are {@link String}, switches {@link Boolean}, counts and byte sizes {@link Long},
 * intervals {@link Duration}, lists {@code List<String>}. Keys that were not set are absent.
 * Keeping these in one open map lets new backends use their own keys without widening the common
 * configuration records.
 */
public record ReplicaOptions(Map<String, Object> values) {

  private static final ReplicaOptions EMPTY = new ReplicaOptions(Map.of());

  private static final Set<String> SECRETS =
      Set.of(
          "secret-access-key",
          "password",
          "account-key",
          "sas-token",
          "sse-customer-key",
          "jwt",
          "seed",
          "nkey",
          "token",
          "webdav-password");

  public ReplicaOptions {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public static ReplicaOptions empty() {
    return EMPTY;
  }

  public Set<String> keys() {
    return values.keySet();
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public Optional<String> string(String key) {
    return Optional.ofNullable(get(key, String.class));
  }

  public Optional<Boolean> bool(String key) {
    return Optional.ofNullable(get(key, Boolean.class));
  }

  /** A count or byte size. */
  public OptionalLong number(String key) {
    Long value = get(key, Long.class);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  public Optional<Duration> duration(String key) {
    return Optional.ofNullable(get(key, Duration.class));
  }

  /** A list of strings; empty when unset. */
  @SuppressWarnings("unchecked")
  public List<String> strings(String key) {
    List<String> value = get(key, List.class);
    return value == null ? List.of() : value;
  }

  private <T> @Nullable T get(String key, Class<T> type) {
    Object value = values.get(key);
    if (value == null) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(
          "replica option '%s' is a %s, not a %s"
              .formatted(key, value.getClass().getSimpleName(), type.getSimpleName()));
    }
    return type.cast(value);
  }

  /** Lists the settings with secrets (keys, passwords, tokens) masked. */
  @Override
  public String toString() {
    var sb = new StringBuilder("ReplicaOptions{");
    values.forEach(
        (k, v) -> sb.append(k).append('=').append(SECRETS.contains(k) ? "***" : v).append(", "));
    if (!values.isEmpty()) {
      sb.setLength(sb.length() - 2);
    }
    return sb.append('}').toString();
  }
}
