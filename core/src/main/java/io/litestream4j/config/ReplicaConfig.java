package io.litestream4j.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where and how one database is replicated: the backend type, its address (a URL, or a path plus
 * backend keys) and the upload settings common to every backend. Values are final: defaults and the
 * global replica settings have already been applied.
 *
 * @param type backend type: {@code file}, {@code s3}, {@code gs}, {@code abs}, {@code sftp}, {@code
 *     webdav}, {@code nats} or {@code oss} (from the URL scheme when a URL is given)
 * @param url the replica URL, if one was given
 * @param path the {@code path} key (for {@code file} replicas an absolute path; for object stores a
 *     prefix), if given; never together with {@code url}
 * @param syncInterval how often new local LTX files are uploaded (default 1s)
 * @param maxSyncLtxFiles L0 files uploaded per batch; 0 = all pending (default 256)
 * @param autoRecover reset local state automatically when local LTX files are missing or corrupt
 * @param options backend-specific keys ({@code bucket}, {@code region}, ...)
 */
public record ReplicaConfig(
    String type,
    Optional<ReplicaUrl> url,
    Optional<String> path,
    Duration syncInterval,
    int maxSyncLtxFiles,
    boolean autoRecover,
    ReplicaOptions options) {

  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_SYNC_LTX_FILES = 256;

  /** Every backend type Litestream defines (not necessarily all available in this build). */
  public static final Set<String> KNOWN_TYPES =
      Set.of("file", "s3", "gs", "abs", "sftp", "webdav", "nats", "oss");

  public ReplicaConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(options, "options");
    if (url.isPresent() && path.isPresent()) {
      throw new ConfigException("replica", "cannot specify url & path for " + type + " replica");
    }
    if (syncInterval.isNegative()) {
      throw new ConfigException(
          "replica.sync-interval",
          "must be >= 0 (0 uploads each file as soon as it is written)",
          syncInterval.toString(),
          null);
    }
    if (maxSyncLtxFiles < 0) {
      throw new ConfigException(
          "replica.max-sync-ltx-files", "must be >= 0", Integer.toString(maxSyncLtxFiles), null);
    }
  }

  /**
   * The replica URL of a backend whose option {@code key} names what the URL's host names (the
   * bucket or container): the two are never given together.
   *
   * @throws ConfigException if both are given
   */
  public Optional<ReplicaUrl> urlInsteadOf(String key) {
    if (url.isPresent() && options.has(key)) {
      throw new ConfigException(key, "cannot specify url & " + key + " for " + type + " replica");
    }
    return url;
  }

  /**
   * The replica for a URL given on the command line, with default settings.
   *
   * @throws ConfigException if the URL is malformed or its scheme is not a Litestream backend
   */
  public static ReplicaConfig forUrl(String url) {
    ReplicaUrl parsed = ReplicaUrl.parse(url);
    return new ReplicaConfig(
        typeOfScheme(parsed.scheme(), "replica URL", url, null),
        Optional.of(parsed),
        Optional.empty(),
        DEFAULT_SYNC_INTERVAL,
        DEFAULT_MAX_SYNC_LTX_FILES,
        false,
        ReplicaOptions.empty());
  }

  /** The backend type a URL scheme selects ({@code webdavs} is {@code webdav} over TLS). */
  static String typeOfScheme(String scheme, String key, String raw, @Nullable String where) {
    String type = scheme.equals("webdavs") ? "webdav" : scheme;
    checkKnownType(type, key, raw, where);
    return type;
  }

  static void checkKnownType(
      String type, String key, @Nullable String raw, @Nullable String where) {
    if (type.equals("gcs")) {
      throw new ConfigException(
          key,
          "replica type 'gcs' was renamed to 'gs' in Litestream 0.5: use gs://bucket/path",
          raw,
          where);
    }
    if (!KNOWN_TYPES.contains(type)) {
      // The backends of this build, from the registered factories: a new backend module appears
      // here by being on the class path.
      throw new ConfigException(
          key,
          "unknown replica type '"
              + type
              + "': supported are "
              + String.join(", ", io.litestream4j.replica.ReplicaClients.discover().types()),
          raw,
          where);
    }
  }

  /**
   * This replica with {@code rel} (a relative path with {@code /} separators) appended to its URL
   * path or {@code path} key: where a database found by a directory entry is replicated.
   */
  public ReplicaConfig withRelativePath(String rel) {
    String clean = rel.replaceAll("^/+", "");
    if (clean.isEmpty() || clean.equals(".")) {
      return this;
    }
    Optional<ReplicaUrl> newUrl =
        url.map(
            u ->
                new ReplicaUrl(
                    u.scheme(),
                    u.userInfo(),
                    u.host(),
                    u.scheme().equals("file")
                        ? java.nio.file.Path.of(u.path()).resolve(clean).normalize().toString()
                        : u.path().isEmpty() ? clean : u.path().replaceAll("/+$", "") + "/" + clean,
                    u.query()));
    Optional<String> newPath =
        url.isPresent()
            ? path
            : Optional.of(
                path.map(
                        p ->
                            type.equals("file")
                                ? java.nio.file.Path.of(p).resolve(clean).normalize().toString()
                                : p.isEmpty() ? clean : p.replaceAll("/+$", "") + "/" + clean)
                    .orElse(clean));
    return new ReplicaConfig(
        type, newUrl, newPath, syncInterval, maxSyncLtxFiles, autoRecover, options);
  }

  /**
   * Where the replica is, for logs and listings, as a URL: the {@code url} key, else one built from
   * the keys ({@code s3://bucket/path} from {@code bucket} and {@code path}, {@code file:///path},
   * {@code sftp://host/path}, ...). Credentials are never part of it.
   */
  public String describe() {
    if (url.isPresent()) {
      return url.get().toString();
    }
    if (type.equals("file")) {
      return path.map(p -> "file://" + p).orElse("file");
    }
    String host =
        options
            .string("bucket")
            .or(() -> options.string("host"))
            .or(() -> options.string("webdav-url").map(u -> u.replaceFirst("^[a-z]+://", "")))
            .orElse("");
    String p = path.orElse("");
    if (!p.isEmpty() && !p.startsWith("/")) {
      p = "/" + p;
    }
    return type + "://" + host + p;
  }
}
