package io.litestream4j.s3;

import java.util.Objects;

/**
 * Server-side encryption of the replica's objects: none, a customer-provided key (SSE-C, sent with
 * every write and read) or an AWS KMS key (SSE-KMS, named on writes only). The two are mutually
 * exclusive. Key material never appears in {@link #toString()}.
 */
public sealed interface S3Encryption {

  /** Objects are stored with the bucket's default encryption. */
  record None() implements S3Encryption {}

  /**
   * SSE-C: S3 encrypts with this key and needs it again to read.
   *
   * @param algorithm always {@code AES256}
   * @param key base64 of the 32-byte key
   * @param keyMd5 base64 of the key's MD5, as S3 wants it
   */
  record CustomerKey(String algorithm, String key, String keyMd5) implements S3Encryption {
    public CustomerKey {
      Objects.requireNonNull(algorithm, "algorithm");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(keyMd5, "keyMd5");
    }

    @Override
    public String toString() {
      return "CustomerKey[algorithm=" + algorithm + ", key=***, keyMd5=" + keyMd5 + "]";
    }
  }

  /** SSE-KMS with the given key id, ARN or alias. */
  record Kms(String keyId) implements S3Encryption {
    public Kms {
      Objects.requireNonNull(keyId, "keyId");
    }
  }

  static S3Encryption none() {
    return new None();
  }
}
