package io.litestream4j.s3;

import java.util.Optional;

/**
 * The S3-compatible service behind an endpoint, recognised by host name exactly as Litestream does,
 * because several services need different defaults to work at all: path-style addressing (MinIO,
 * Backblaze B2, Filebase, Supabase), no {@code Content-MD5} and a consistency header (Tigris), low
 * multipart concurrency (Cloudflare R2), unquoted ETags and no conditional DELETE (Hetzner).
 */
public enum S3Provider {
  /** Amazon S3 itself: no custom endpoint. */
  AWS,
  TIGRIS,
  HETZNER,
  DIGITALOCEAN,
  BACKBLAZE,
  FILEBASE,
  SCALEWAY,
  CLOUDFLARE_R2,
  SUPABASE,
  GOOGLE_CLOUD_STORAGE,
  /**
   * Any custom endpoint with a port that is not a known cloud: MinIO, s3proxy, Ceph, Garage, ...
   */
  MINIO,
  /** A custom endpoint that matches nothing above. */
  OTHER;

  /** The provider serving {@code endpoint}; {@link #AWS} when there is no endpoint. */
  public static S3Provider detect(Optional<String> endpoint) {
    if (endpoint.isEmpty() || endpoint.get().isBlank()) {
      return AWS;
    }
    String hostPort = Endpoints.hostAndPort(endpoint.get());
    String host = Endpoints.host(endpoint.get());
    if (host.isEmpty()) {
      return OTHER;
    }
    if (host.equals("fly.storage.tigris.dev") || host.equals("t3.storage.dev")) {
      return TIGRIS;
    }
    if (host.endsWith(".your-objectstorage.com")) {
      return HETZNER;
    }
    if (host.endsWith(".digitaloceanspaces.com")) {
      return DIGITALOCEAN;
    }
    if (host.endsWith(".backblazeb2.com")) {
      return BACKBLAZE;
    }
    if (host.equals("s3.filebase.com")) {
      return FILEBASE;
    }
    if (host.endsWith(".scw.cloud")) {
      return SCALEWAY;
    }
    if (host.endsWith(".r2.cloudflarestorage.com")) {
      return CLOUDFLARE_R2;
    }
    if (host.endsWith(".supabase.co")) {
      return SUPABASE;
    }
    if (isGoogleStorageHost(host)) {
      return GOOGLE_CLOUD_STORAGE;
    }
    if (hostPort.contains(":") && !hostPort.contains(".amazonaws.com")) {
      return MINIO;
    }
    return OTHER;
  }

  /**
   * {@code storage.googleapis.com} and regional variants such as {@code storage-eu.googleapis.com}.
   */
  private static boolean isGoogleStorageHost(String host) {
    String[] labels = host.split("\\.", -1);
    int n = labels.length;
    if (n < 3 || !labels[n - 2].equals("googleapis") || !labels[n - 1].equals("com")) {
      return false;
    }
    for (String segment : labels[0].split("-")) {
      if (segment.equals("storage")) {
        return n == 3 || !java.util.Arrays.asList(labels[1].split("-")).contains("storage");
      }
    }
    return false;
  }

  /** Services that need path-style URLs ({@code host/bucket/key}) unless told otherwise. */
  public boolean requiresPathStyle() {
    return this == MINIO || this == BACKBLAZE || this == FILEBASE || this == SUPABASE;
  }

  /** Services that reject {@code Content-MD5} on batch deletes unless told otherwise. */
  public boolean acceptsContentMd5() {
    return this != TIGRIS;
  }

  /** The multipart concurrency the service tolerates by default, if it is lower than the SDK's. */
  public Optional<Integer> defaultConcurrency() {
    return this == CLOUDFLARE_R2 ? Optional.of(2) : Optional.empty();
  }
}
