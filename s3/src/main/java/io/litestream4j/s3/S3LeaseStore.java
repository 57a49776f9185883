package io.litestream4j.s3;

import io.litestream4j.replica.lease.LeaseStore;
import java.io.IOException;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The lease object {@code <path>/lock.json} on S3, changed only with conditional requests. Hetzner
 * quirks as Litestream handles them: ETags in {@code If-Match} are sent unquoted, and DELETE
 * ignores {@code If-Match}, so there the lease is released by overwriting it with an expired one.
 */
final class S3LeaseStore implements LeaseStore {

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final boolean hetzner;

  S3LeaseStore(S3Client s3, String bucket, String key, S3Provider provider) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.hetzner = provider == S3Provider.HETZNER;
  }

  @Override
  public String location() {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public Optional<Versioned> read() throws IOException {
    try {
      ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(q -> q.bucket(bucket).key(key));
      return Optional.of(new Versioned(r.asByteArray(), r.response().eTag()));
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Errors.io("read lease", location(), e);
    }
  }

  @Override
  public String create(byte[] data) throws IOException {
    return put(data, PutObjectRequest.builder().ifNoneMatch("*"));
  }

  @Override
  public String replace(byte[] data, String etag) throws IOException {
    return put(data, PutObjectRequest.builder().ifMatch(ifMatch(etag)));
  }

  private String put(byte[] data, PutObjectRequest.Builder request) throws IOException {
    try {
      return s3.putObject(
              request
                  .bucket(bucket)
                  .key(key)
                  .contentType("application/json")
                  .contentLength((long) data.length)
                  .build(),
              RequestBody.fromBytes(data))
          .eTag();
    } catch (SdkException e) {
      if (S3Errors.isPreconditionFailed(e)
          || S3Errors.isNotFound(e) && !S3Errors.isNoSuchBucket(e)) {
        throw new PreconditionFailedException(
            "lease " + location() + " changed: " + S3Errors.describe(e), e);
      }
      throw S3Errors.io("write lease", location(), e);
    }
  }

  @Override
  public boolean delete(String etag) throws IOException {
    if (hetzner) {
      return false;
    }
    try {
      s3.deleteObject(q -> q.bucket(bucket).key(key).ifMatch(ifMatch(etag)));
      return true;
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return true;
      }
      if (S3Errors.isPreconditionFailed(e)) {
        throw new PreconditionFailedException(
            "lease " + location() + " changed: " + S3Errors.describe(e), e);
      }
      throw S3Errors.io("delete lease", location(), e);
    }
  }

  private String ifMatch(String etag) {
    if (hetzner && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }
}
