package io.litestream4j.gs;

import io.litestream4j.config.ConfigException;
import io.litestream4j.config.ReplicaConfig;
import io.litestream4j.config.ReplicaOptions;
import io.litestream4j.config.ReplicaUrl;
import io.litestream4j.replica.ObjectKeys;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a Google Cloud Storage replica lives, read from Litestream's keys: {@code gs://bucket/path}
 * or {@code bucket} and {@code path}. Credentials always come from Application Default Credentials
 * ({@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's application-default login, the metadata
 * server). {@code lease} (default true) takes the replica's lease {@code <path>/lock.json} before
 * replicating.
 *
 * @param bucket the bucket
 * @param path object prefix without leading or trailing slash, possibly empty
 * @param lease take a lease ({@code <path>/lock.json}) before replicating
 */
public record GsSettings(String bucket, String path, boolean lease) {

  public GsSettings {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(path, "path");
    if (bucket.isBlank()) {
      throw new ConfigException(
          "bucket",
          "bucket required for gs replica (set 'bucket' or use a url such as gs://bucket/path)");
    }
  }

  /** Settings with leasing on. */
  public GsSettings(String bucket, String path) {
    this(bucket, path, true);
  }

  public GsSettings withLease(boolean enabled) {
    return new GsSettings(bucket, path, enabled);
  }

  /** Reads the settings of a {@code gs} replica entry. */
  public static GsSettings from(ReplicaConfig config) {
    ReplicaOptions o = config.options();
    Optional<ReplicaUrl> url = config.urlInsteadOf("bucket");
    boolean lease = o.bool("lease").orElse(true);
    if (url.isPresent()) {
      return new GsSettings(url.get().host(), ObjectKeys.trimSlashes(url.get().path()), lease);
    }
    return new GsSettings(
        o.string("bucket").orElse(""),
        config.path().map(ObjectKeys::trimSlashes).orElse(""),
        lease);
  }

  /** The replica as Litestream writes it: {@code gs://bucket/path}. */
  public String location() {
    return "gs://" + bucket + (path.isEmpty() ? "" : "/" + path);
  }

  String where(String objectName) {
    return "gs://" + bucket + "/" + objectName;
  }
}
