package io.litestream4j.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads replica settings: the {@code replica} section of a database and the same keys written at
 * the top level of the file, which act as defaults for every replica.
 *
 * <p>Knows every key Litestream's backends accept and its type, so misspelt keys are reported and
 * malformed values fail at load time rather than when a backend first connects. Inheritance follows
 * Litestream: a key set on the replica wins; otherwise the top-level value applies, except for
 * {@code part-size}, {@code concurrency}, {@code host-key} and the {@code webdav-*} keys, which are
 * never inherited; {@code skip-verify} is on if either level turns it on.
 */
final class ReplicaConfigReader {

  enum Kind {
    STRING,
    BOOL,
    COUNT,
    BYTES,
    DURATION,
    STRINGS
  }

  static final Map<String, Kind> BACKEND_KEYS = backendKeys();

  private static final Set<String> NOT_INHERITED =
      Set.of(
          "part-size",
          "concurrency",
          "host-key",
          "webdav-url",
          "webdav-username",
          "webdav-password");

  private static final String AGE_UNSUPPORTED =
      "age encryption is not currently supported, if you need encryption please revert back to Litestream v0.3.x";

  private ReplicaConfigReader() {}

  private static Map<String, Kind> backendKeys() {
    var keys = new LinkedHashMap<String, Kind>();
    for (String k :
        new String[] {
          "access-key-id",
          "secret-access-key",
          "region",
          "bucket",
          "endpoint",
          "storage-class",
          "sse-customer-algorithm",
          "sse-customer-key",
          "sse-customer-key-path",
          "sse-kms-key-id",
          "account-name",
          "account-key",
          "sas-token",
          "host",
          "user",
          "password",
          "key-path",
          "host-key",
          "webdav-url",
          "webdav-username",
          "webdav-password",
          "jwt",
          "seed",
          "creds",
          "nkey",
          "username",
          "token",
          "client-cert",
          "client-key"
        }) {
      keys.put(k, Kind.STRING);
    }
    for (String k :
        new String[] {
          "force-path-style",
          "sign-payload",
          "require-content-md5",
          "skip-verify",
          "concurrent-writes",
          "tls",
          "lease"
        }) {
      keys.put(k, Kind.BOOL);
    }
    keys.put("part-size", Kind.BYTES);
    keys.put("concurrency", Kind.COUNT);
    keys.put("max-reconnects", Kind.COUNT);
    keys.put("reconnect-wait", Kind.DURATION);
    keys.put("timeout", Kind.DURATION);
    keys.put("root-cas", Kind.STRINGS);
    return Map.copyOf(keys);
  }

  /** Settings that may appear both on a replica and at the top level. */
  static Map<String, Object> readSettings(YamlSection s) {
    var settings = new LinkedHashMap<String, Object>();
    s.duration("sync-interval")
        .ifPresent(
            d -> {
              if (d.isNegative()) {
                throw s.invalid(
                    "sync-interval", "must be >= 0 (0 uploads each file as soon as it is written)");
              }
              settings.put("sync-interval", d);
            });
    s.integer("max-sync-ltx-files")
        .ifPresent(
            n -> {
              if (n < 0 || n > Integer.MAX_VALUE) {
                throw s.invalid(
                    "max-sync-ltx-files", "must be >= 0 (0 uploads all pending files at once)");
              }
              settings.put("max-sync-ltx-files", n);
              s.warn(
                  "max-sync-ltx-files",
                  "accepted but not implemented: the uploader sends every pending L0 file in one"
                      + " pass, in TXID order, and releases nothing in between");
            });
    s.bool("auto-recover").ifPresent(b -> settings.put("auto-recover", b));
    s.duration("validation-interval")
        .ifPresent(
            d ->
                s.warn(
                    "validation-interval",
                    "has no effect in Litestream 0.5; use the global validation.interval"));
    s.section("age")
        .ifPresent(
            age -> {
              boolean used =
                  !age.strings("identities").isEmpty() || !age.strings("recipients").isEmpty();
              age.finish();
              if (used) {
                throw s.misplaced("age", AGE_UNSUPPORTED);
              }
            });
    for (var entry : BACKEND_KEYS.entrySet()) {
      String key = entry.getKey();
      switch (entry.getValue()) {
        case STRING -> s.string(key).ifPresent(v -> settings.put(key, v));
        case BOOL -> s.bool(key).ifPresent(v -> settings.put(key, v));
        case COUNT -> s.integer(key).ifPresent(v -> settings.put(key, v));
        case BYTES -> s.byteSize(key).ifPresent(v -> settings.put(key, v));
        case DURATION ->
            s.duration(key)
                .ifPresent(
                    v -> {
                      if (v.isNegative()) {
                        throw s.invalid(key, "must be >= 0");
                      }
                      settings.put(key, v);
                    });
        case STRINGS -> {
          var list = s.strings(key);
          if (!list.isEmpty()) {
            settings.put(key, list);
          }
        }
      }
    }
    return settings;
  }

  /** Reads one replica section, applying the top-level {@code defaults}. */
  static ReplicaConfig read(YamlSection s, Map<String, Object> defaults, String home) {
    Optional<String> url = s.string("url");
    Optional<String> type = s.string("type").map(t -> t.strip().toLowerCase(Locale.ROOT));
    Optional<String> path = s.string("path");
    s.ignore("name", "deprecated and unused since Litestream 0.5");
    Map<String, Object> settings = inherit(defaults, readSettings(s));
    s.finish();

    Optional<ReplicaUrl> parsedUrl =
        url.map(u -> ReplicaUrl.parse(u, s.keyPath("url"), s.where("url")));
    String resolvedType;
    if (parsedUrl.isPresent()) {
      resolvedType =
          ReplicaConfig.typeOfScheme(
              parsedUrl.get().scheme(), s.keyPath("url"), url.get(), s.where("url"));
      if (type.isPresent() && !type.get().equals(resolvedType)) {
        s.warn("type", "ignored: the url scheme selects the '" + resolvedType + "' backend");
      }
    } else if (type.isPresent()) {
      resolvedType = type.get();
      ReplicaConfig.checkKnownType(resolvedType, s.keyPath("type"), s.raw("type"), s.where("type"));
    } else {
      resolvedType = "file";
    }

    if (path.isPresent() && ReplicaUrl.looksLikeUrl(path.get())) {
      throw s.invalid("path", "replica path cannot be a url, please use the 'url' field instead");
    }
    if (parsedUrl.isPresent() && path.isPresent()) {
      throw s.misplaced("path", "cannot specify url & path for " + resolvedType + " replica");
    }
    if (resolvedType.equals("file") && parsedUrl.isEmpty()) {
      if (path.isEmpty() || path.get().isBlank()) {
        throw s.misplaced(
            "path", "file replica path required (or a url such as file:///var/backups/db)");
      }
      try {
        path = Optional.of(PathExpander.expand(path.get(), home).toString());
      } catch (IllegalArgumentException e) {
        throw s.invalid("path", e.getMessage());
      }
    }

    Duration syncInterval =
        (Duration) settings.getOrDefault("sync-interval", ReplicaConfig.DEFAULT_SYNC_INTERVAL);
    long maxFiles =
        (Long)
            settings.getOrDefault(
                "max-sync-ltx-files", (long) ReplicaConfig.DEFAULT_MAX_SYNC_LTX_FILES);
    boolean autoRecover = (Boolean) settings.getOrDefault("auto-recover", false);
    var options = new LinkedHashMap<>(settings);
    options.keySet().removeAll(Set.of("sync-interval", "max-sync-ltx-files", "auto-recover"));
    return new ReplicaConfig(
        resolvedType,
        parsedUrl,
        path,
        syncInterval,
        (int) maxFiles,
        autoRecover,
        new ReplicaOptions(options));
  }

  private static Map<String, Object> inherit(
      Map<String, Object> defaults, Map<String, Object> own) {
    var merged = new LinkedHashMap<String, Object>();
    defaults.forEach(
        (key, value) -> {
          if (!NOT_INHERITED.contains(key)) {
            merged.put(key, value);
          }
        });
    merged.putAll(own);
    if (Boolean.TRUE.equals(defaults.get("skip-verify"))) {
      merged.put("skip-verify", true);
    }
    return merged;
  }
}
