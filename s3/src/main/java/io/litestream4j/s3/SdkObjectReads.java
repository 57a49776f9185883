package io.litestream4j.s3;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link ObjectReads} through the AWS SDK client of a replica. */
final class SdkObjectReads implements ObjectReads {

  private final S3Client s3;
  private final S3Requests requests;

  SdkObjectReads(S3Client s3, S3Requests requests) {
    this.s3 = s3;
    this.requests = requests;
  }

  @Override
  public List<Listed> list(String prefix, @Nullable String startAfter) throws IOException {
    var request = ListObjectsV2Request.builder().bucket(requests.bucket()).prefix(prefix);
    if (startAfter != null) {
      request.startAfter(startAfter);
    }
    List<Listed> out = new ArrayList<>();
    try {
      for (S3Object o : s3.listObjectsV2Paginator(request.build()).contents()) {
        out.add(
            new Listed(
                o.key(),
                o.size() != null ? o.size() : 0,
                o.lastModified() != null ? o.lastModified() : Instant.EPOCH));
      }
    } catch (SdkException e) {
      throw S3Errors.io("list", "s3://" + requests.bucket() + "/" + prefix, e);
    }
    return out;
  }

  @Override
  public @Nullable InputStream get(String key, long offset, long length) throws IOException {
    try {
      ResponseInputStream<GetObjectResponse> body = s3.getObject(requests.get(key, offset, length));
      return new AbortingInputStream(body, body::abort);
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e) && !"NoSuchBucket".equals(S3Errors.code(e))) {
        return null;
      }
      if (S3Errors.isInvalidRange(e)) {
        return InputStream.nullInputStream();
      }
      throw S3Errors.io("read", "s3://" + requests.bucket() + "/" + key, e);
    }
  }
}
