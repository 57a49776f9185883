package io.litestream4j.oss;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host part of an {@code oss://} URL: a bare bucket name, or the bucket's own host name {@code
 * <bucket>.oss-<region>[-internal].aliyuncs.com}, from which the region and the endpoint (public or
 * VPC-internal) follow.
 *
 * @param bucket the bucket
 * @param region the region the host names, if any
 * @param internal whether the host is the VPC-internal endpoint
 */
record OssHost(String bucket, Optional<String> region, boolean internal) {

  private static final Pattern BUCKET_HOST =
      Pattern.compile("^([^.]+)\\.oss-([a-z0-9-]+?)(-internal)?\\.aliyuncs\\.com$");

  static OssHost parse(String host) {
    Matcher m = BUCKET_HOST.matcher(host.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      return new OssHost(m.group(1), Optional.of(m.group(2)), m.group(3) != null);
    }
    return new OssHost(host, Optional.empty(), false);
  }

  /** OSS's endpoint for {@code region}: {@code https://oss-<region>[-internal].aliyuncs.com}. */
  static String endpoint(String region, boolean internal) {
    return "https://oss-" + region + (internal ? "-internal" : "") + ".aliyuncs.com";
  }
}
