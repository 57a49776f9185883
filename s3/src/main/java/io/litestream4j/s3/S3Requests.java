package io.litestream4j.s3;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * Builds the requests of one replica with its bucket, storage class and server-side encryption
 * applied consistently: the single-PUT and multipart paths write identical objects, and every read
 * of an SSE-C object carries the key.
 */
final class S3Requests {

  private final S3Settings settings;

  S3Requests(S3Settings settings) {
    this.settings = settings;
  }

  String bucket() {
    return settings.bucket();
  }

  PutObjectRequest put(String key, Map<String, String> metadata, long length) {
    var b =
        PutObjectRequest.builder()
            .bucket(settings.bucket())
            .key(key)
            .metadata(metadata)
            .contentLength(length);
    settings.storageClass().ifPresent(b::storageClass);
    encrypt(
        b::sseCustomerAlgorithm,
        b::sseCustomerKey,
        b::sseCustomerKeyMD5,
        b::serverSideEncryption,
        b::ssekmsKeyId);
    return b.build();
  }

  CreateMultipartUploadRequest createMultipart(String key, Map<String, String> metadata) {
    var b =
        CreateMultipartUploadRequest.builder()
            .bucket(settings.bucket())
            .key(key)
            .metadata(metadata);
    settings.storageClass().ifPresent(b::storageClass);
    encrypt(
        b::sseCustomerAlgorithm,
        b::sseCustomerKey,
        b::sseCustomerKeyMD5,
        b::serverSideEncryption,
        b::ssekmsKeyId);
    return b.build();
  }

  UploadPartRequest uploadPart(String key, String uploadId, int partNumber, long length) {
    var b =
        UploadPartRequest.builder()
            .bucket(settings.bucket())
            .key(key)
            .uploadId(uploadId)
            .partNumber(partNumber)
            .contentLength(length);
    customerKey(b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
    return b.build();
  }

  CompleteMultipartUploadRequest complete(String key, String uploadId, List<CompletedPart> parts) {
    var b =
        CompleteMultipartUploadRequest.builder()
            .bucket(settings.bucket())
            .key(key)
            .uploadId(uploadId)
            .multipartUpload(m -> m.parts(parts));
    customerKey(b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
    return b.build();
  }

  /** A GET of {@code bytes=offset-} or {@code bytes=offset-(offset+length-1)}. */
  GetObjectRequest get(String key, long offset, long length) {
    var b = GetObjectRequest.builder().bucket(settings.bucket()).key(key);
    if (offset > 0 || length > 0) {
      b.range(
          length > 0
              ? "bytes=%d-%d".formatted(offset, offset + length - 1)
              : "bytes=%d-".formatted(offset));
    }
    customerKey(b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
    return b.build();
  }

  HeadObjectRequest head(String key) {
    var b = HeadObjectRequest.builder().bucket(settings.bucket()).key(key);
    customerKey(b::sseCustomerAlgorithm, b::sseCustomerKey, b::sseCustomerKeyMD5);
    return b.build();
  }

  /**
   * Applies the replica's encryption to a request that creates an object. The SDK's request
   * builders share these setters by name only (no common interface), hence the method references.
   */
  private void encrypt(
      Consumer<String> algorithm,
      Consumer<String> key,
      Consumer<String> keyMd5,
      Consumer<ServerSideEncryption> serverSide,
      Consumer<String> kmsKeyId) {
    switch (settings.encryption()) {
      case S3Encryption.CustomerKey k -> customerKey(algorithm, key, keyMd5);
      case S3Encryption.Kms k -> {
        serverSide.accept(ServerSideEncryption.AWS_KMS);
        kmsKeyId.accept(k.keyId());
      }
      case S3Encryption.None n -> {}
    }
  }

  /** Adds the SSE-C key, which every request touching an SSE-C object must carry. */
  private void customerKey(
      Consumer<String> algorithm, Consumer<String> key, Consumer<String> keyMd5) {
    if (settings.encryption() instanceof S3Encryption.CustomerKey k) {
      algorithm.accept(k.algorithm());
      key.accept(k.key());
      keyMd5.accept(k.keyMd5());
    }
  }
}
