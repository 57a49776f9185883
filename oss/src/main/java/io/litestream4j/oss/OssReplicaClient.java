package io.litestream4j.oss;

import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.s3.S3ReplicaClient;
import io.litestream4j.s3.S3Settings;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A replica on Alibaba Cloud OSS: the s3 client speaking OSS's S3-compatible API, so the layout
 * ({@code <path>/<level %04x>/<min>-<max>.ltx}) and the {@code litestream-timestamp} metadata are
 * exactly Litestream's {@code oss} backend's (which OSS stores as {@code
 * x-oss-meta-litestream-timestamp}). Only the backend type differs from the s3 client; every
 * guarantee of {@link S3ReplicaClient} holds. No lease: {@link
 * io.litestream4j.replica.LeaseableClient} is not offered, because OSS's PutObject documents no
 * {@code If-Match}/{@code If-None-Match} (only {@code x-oss-forbid-overwrite}, create-if-absent):
 * without a compare-and-swap a lease cannot be renewed or taken over safely, and a store that
 * ignored the condition headers would let two replicators both "hold" it. Litestream's {@code oss}
 * backend has no lease either.
 */
public final class OssReplicaClient implements ReplicaClient {

  public static final String TYPE = "oss";

  private final S3ReplicaClient s3;

  OssReplicaClient(S3ReplicaClient s3) {
    this.s3 = Objects.requireNonNull(s3, "s3");
  }

  /** A client for OSS settings (see {@link OssSettings}); nothing is contacted yet. */
  public static OssReplicaClient create(S3Settings settings) {
    return new OssReplicaClient(S3ReplicaClient.create(settings.withLease(false)));
  }

  public S3Settings settings() {
    return s3.settings();
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void init() throws IOException {
    s3.init();
  }

  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    return s3.ltxFiles(level, seekTxid);
  }

  @Override
  public List<List<LtxFileInfo>> ltxFilesOfAllLevels() throws IOException {
    return s3.ltxFilesOfAllLevels();
  }

  @Override
  public List<LtxFileInfo> ltxFilesWithExactTimestamps(int level, long seekTxid)
      throws IOException {
    return s3.ltxFilesWithExactTimestamps(level, seekTxid);
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    return s3.openLtxFile(level, minTxid, maxTxid, offset, length);
  }

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    return s3.writeLtxFile(level, minTxid, maxTxid, data);
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    s3.deleteLtxFiles(files);
  }

  @Override
  public void deleteAll() throws IOException {
    s3.deleteAll();
  }

  @Override
  public void close() throws IOException {
    s3.close();
  }

  @Override
  public String toString() {
    return "oss replica oss://"
        + s3.settings().bucket()
        + (s3.settings().path().isEmpty() ? "" : "/" + s3.settings().path())
        + " at "
        + s3.settings().endpoint().orElse("");
  }
}
