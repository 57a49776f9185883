package io.litestream4j.s3;

import io.litestream4j.replica.ReplicaClientContract.RawStore;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The contract suite's raw view of an S3 replica: objects under {@code prefix} of one bucket, read
 * and written with a plain SDK client.
 */
public record S3Raw(S3Client admin, String bucket, String prefix) implements RawStore {

  public static S3Raw of(S3Client admin, String bucket, String prefix) {
    return new S3Raw(admin, bucket, prefix);
  }

  @Override
  public void put(String relativePath, byte[] data) {
    admin.putObject(r -> r.bucket(bucket).key(prefix + relativePath), RequestBody.fromBytes(data));
  }

  @Override
  public Optional<byte[]> get(String relativePath) {
    try {
      return Optional.of(
          admin.getObjectAsBytes(r -> r.bucket(bucket).key(prefix + relativePath)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }
}
