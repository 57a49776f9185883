package io.litestream4j.s3;

import java.util.Objects;

/**
 * A static access key pair. {@link #toString()} never shows the secret, so the record can be logged
 * and put in error messages safely.
 *
 * @param source where the keys came from, for diagnostics: {@code "config"} or an environment
 *     variable name
 */
public record S3Credentials(String accessKeyId, String secretAccessKey, String source) {

  public S3Credentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(source, "source");
    if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
      throw new IllegalArgumentException(
          "access key id and secret access key must both be non-empty");
    }
  }

  @Override
  public String toString() {
    return "S3Credentials[accessKeyId="
        + accessKeyId
        + ", secretAccessKey=***, source="
        + source
        + "]";
  }
}
