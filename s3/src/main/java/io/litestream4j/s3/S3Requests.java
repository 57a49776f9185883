package io.litestream4j.s3;

import java.util.List;
import java.util.Map;
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
    switch (settings.encryption()) {
      case S3Encryption.CustomerKey k ->
          b.sseCustomerAlgorithm(k.algorithm())
              .sseCustomerKey(k.key())
              .sseCustomerKeyMD5(k.keyMd5());
      case S3Encryption.Kms k ->
          b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(k.keyId());
      case S3Encryption.None n -> {}
    }
    return b.build();
  }

  CreateMultipartUploadRequest createMultipart(String key, Map<String, String> metadata) {
    var b =
        CreateMultipartUploadRequest.builder()
            .bucket(settings.bucket())
            .key(key)
            .metadata(metadata);
    settings.storageClass().ifPresent(b::storageClass);
    switch (settings.encryption()) {
      case S3Encryption.CustomerKey k ->
          b.sseCustomerAlgorithm(k.algorithm())
              .sseCustomerKey(k.key())
              .sseCustomerKeyMD5(k.keyMd5());
      case S3Encryption.Kms k ->
          b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(k.keyId());
      case S3Encryption.None n -> {}
    }
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
    if (settings.encryption() instanceof S3Encryption.CustomerKey k) {
      b.sseCustomerAlgorithm(k.algorithm()).sseCustomerKey(k.key()).sseCustomerKeyMD5(k.keyMd5());
    }
    return b.build();
  }

  CompleteMultipartUploadRequest complete(String key, String uploadId, List<CompletedPart> parts) {
    var b =
        CompleteMultipartUploadRequest.builder()
            .bucket(settings.bucket())
            .key(key)
            .uploadId(uploadId)
            .multipartUpload(m -> m.parts(parts));
    if (settings.encryption() instanceof S3Encryption.CustomerKey k) {
      b.sseCustomerAlgorithm(k.algorithm()).sseCustomerKey(k.key()).sseCustomerKeyMD5(k.keyMd5());
    }
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
    if (settings.encryption() instanceof S3Encryption.CustomerKey k) {
      b.sseCustomerAlgorithm(k.algorithm()).sseCustomerKey(k.key()).sseCustomerKeyMD5(k.keyMd5());
    }
    return b.build();
  }

  HeadObjectRequest head(String key) {
    var b = HeadObjectRequest.builder().bucket(settings.bucket()).key(key);
    if (settings.encryption() instanceof S3Encryption.CustomerKey k) {
      b.sseCustomerAlgorithm(k.algorithm()).sseCustomerKey(k.key()).sseCustomerKeyMD5(k.keyMd5());
    }
    return b.build();
  }
}
