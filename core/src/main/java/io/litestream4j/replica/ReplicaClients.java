package io.litestream4j.replica;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.file.FileReplicaClientFactory;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry of available backends: turns a replica URL or a replica configuration entry into a
 * {@link ReplicaClient} using the {@link ReplicaClientFactory} for its type.
 *
 * <p>Immutable once built. {@link #discover()} finds the factories on the class path; {@link #of}
 * builds a registry from explicit factories (for embedding and tests).
 */
public final class ReplicaClients {
  /** The backends with their own module (file is in core). */
  private static final Set<String> BACKEND_MODULES =
      Set.of("s3", "gs", "abs", "oss", "sftp", "webdav", "nats");

  private final Map<String, ReplicaClientFactory> factories;

  private ReplicaClients(Map<String, ReplicaClientFactory> factories) {
    this.factories = Collections.unmodifiableMap(new TreeMap<>(factories));
  }

  /** The backends found with {@link ServiceLoader} by this class's class loader. */
  public static ReplicaClients discover() {
    var found = new TreeMap<String, ReplicaClientFactory>();
    for (ReplicaClientFactory factory :
        ServiceLoader.load(ReplicaClientFactory.class, ReplicaClients.class.getClassLoader())) {
      found.putIfAbsent(factory.type(), factory);
    }
    return new ReplicaClients(found);
  }

  /**
   * The backends core itself holds (the {@code file} backend), without looking at the class path:
   * for a caller that knows its URL is a {@code file://} one. Saves the service-loader scan of
   * every jar on the class path (~6 ms of a small command-line restore).
   */
  public static ReplicaClients builtIn() {
    return of(List.of(new FileReplicaClientFactory()));
  }

  /** A registry of exactly these factories; two for the same type is an error. */
  public static ReplicaClients of(List<ReplicaClientFactory> factories) {
    var map = new TreeMap<String, ReplicaClientFactory>();
    for (ReplicaClientFactory factory : factories) {
      if (map.putIfAbsent(factory.type(), factory) != null) {
        throw new IllegalArgumentException(
            "two replica client factories for type '" + factory.type() + "'");
      }
    }
    return new ReplicaClients(map);
  }

  /**
   * For a backend litestream4j has but this class path lacks (e.g. the CLI's base jar, which has
   * the file backend only), the module that brings it; empty for an unknown type.
   */
  private static String missingModule(String type) {
    return BACKEND_MODULES.contains(type)
        ? "; the %s backend is in litestream4j-%s, which is not on the class path"
            .formatted(type, type)
        : "";
  }

  /** The backend types available, sorted. */
  public Set<String> types() {
    return factories.keySet();
  }

  /**
   * Creates a client for a replica URL ({@code file:///path}, {@code s3://bucket/prefix}, ...) or a
   * plain absolute path, with default settings.
   *
   * @throws ConfigException if the URL is malformed or its scheme is not supported by this build
   */
  public ReplicaClient create(String url) {
    Objects.requireNonNull(url, "url");
    ReplicaUrl parsed = ReplicaUrl.parse(url);
    String type = parsed.scheme().equals("webdavs") ? "webdav" : parsed.scheme();
    if (!factories.containsKey(type)) {
      throw new ConfigException(
          "",
          "unsupported replica URL scheme '%s' in '%s': supported are %s%s"
              .formatted(parsed.scheme(), url, String.join(", ", types()), missingModule(type)));
    }
    return factories
        .get(type)
        .create(
            new ReplicaConfig(
                type,
                Optional.of(parsed),
                Optional.empty(),
                ReplicaConfig.DEFAULT_SYNC_INTERVAL,
                ReplicaConfig.DEFAULT_MAX_SYNC_LTX_FILES,
                false,
                ReplicaOptions.empty()));
  }

  /**
   * Creates a client for a replica configuration entry.
   *
   * @throws ConfigException if its type is not supported by this build or the entry is incomplete
   */
  public ReplicaClient create(ReplicaConfig config) {
    Objects.requireNonNull(config, "config");
    ReplicaClientFactory factory = factories.get(config.type());
    if (factory == null) {
      throw new ConfigException(
          "",
          "unsupported replica type '%s' for %s: supported are %s%s"
              .formatted(
                  config.type(),
                  config.describe(),
                  String.join(", ", types()),
                  missingModule(config.type())));
    }
    return factory.create(config);
  }
}
