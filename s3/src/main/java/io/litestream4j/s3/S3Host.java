package io.litestream4j.s3;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the host part of an {@code s3://} URL says, read the way Litestream reads it: a bare bucket
 * name, a provider's virtual-host name ({@code bucket.s3.us-west-2.amazonaws.com}, {@code
 * bucket.nyc3.digitaloceanspaces.com}, {@code bucket.s3.us-west-004.backblazeb2.com}, {@code
 * bucket.s3.filebase.com}, {@code bucket.s3.fr-par.scw.cloud}), a MinIO-style {@code
 * bucket.host:port}, or an access-point ARN.
 *
 * @param bucket the bucket (or access-point ARN); may be empty when the host named only a server
 * @param region the region the host implies, if any
 * @param endpoint the endpoint the host implies, if any
 * @param forcePathStyle whether the host implies path-style addressing
 */
record S3Host(
    String bucket, Optional<String> region, Optional<String> endpoint, boolean forcePathStyle) {

  static final String DEFAULT_REGION = "us-east-1";

  private static final Pattern AWS =
      Pattern.compile("^(.+)\\.s3(?:\\.([^.]+))?\\.amazonaws\\.com$");
  private static final Pattern DIGITALOCEAN =
      Pattern.compile("^(?:(.+)\\.)?([^.]+)\\.digitaloceanspaces\\.com$");
  private static final Pattern BACKBLAZE =
      Pattern.compile("^(?:(.+)\\.)?s3\\.([^.]+)\\.backblazeb2\\.com$");
  private static final Pattern FILEBASE = Pattern.compile("^(?:(.+)\\.)?s3\\.filebase\\.com$");
  private static final Pattern SCALEWAY =
      Pattern.compile("^(?:(.+)\\.)?s3\\.([^.]+)\\.scw\\.cloud$");

  static S3Host parse(String host) {
    if (host.startsWith("arn:")) {
      return new S3Host(host, regionOfArn(host), Optional.empty(), false);
    }
    if (host.contains(":") && !host.contains(".com")) {
      int dot = host.indexOf('.');
      if (dot < 0) {
        return new S3Host("", Optional.empty(), Optional.of("http://" + host), true);
      }
      return new S3Host(
          host.substring(0, dot),
          Optional.of(DEFAULT_REGION),
          Optional.of("http://" + host.substring(dot + 1)),
          true);
    }
    Matcher m;
    if ((m = AWS.matcher(host)).matches()) {
      return new S3Host(m.group(1), Optional.ofNullable(m.group(2)), Optional.empty(), false);
    }
    if ((m = DIGITALOCEAN.matcher(host)).matches()) {
      return new S3Host(
          orEmpty(m.group(1)),
          Optional.of(m.group(2)),
          Optional.of("https://" + m.group(2) + ".digitaloceanspaces.com"),
          false);
    }
    if ((m = BACKBLAZE.matcher(host)).matches()) {
      return new S3Host(
          orEmpty(m.group(1)),
          Optional.of(m.group(2)),
          Optional.of("https://s3." + m.group(2) + ".backblazeb2.com"),
          true);
    }
    if ((m = FILEBASE.matcher(host)).matches()) {
      return new S3Host(
          orEmpty(m.group(1)), Optional.empty(), Optional.of("https://s3.filebase.com"), false);
    }
    if ((m = SCALEWAY.matcher(host)).matches()) {
      return new S3Host(
          orEmpty(m.group(1)),
          Optional.of(m.group(2)),
          Optional.of("https://s3." + m.group(2) + ".scw.cloud"),
          false);
    }
    return new S3Host(host, Optional.empty(), Optional.empty(), false);
  }

  /** The region field of {@code arn:aws:s3:<region>:<account>:accesspoint/<name>}. */
  static Optional<String> regionOfArn(String arn) {
    String[] parts = arn.split(":", 6);
    return parts.length >= 4 && !parts[3].isEmpty() ? Optional.of(parts[3]) : Optional.empty();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
