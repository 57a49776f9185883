package io.litestream4j.abs;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.litestream4j.internal.ClientLifecycle;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.replica.LeaseLostException;
import io.litestream4j.replica.LeaseableClient;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.LtxHeaderPeek;
import io.litestream4j.replica.LtxListing;
import io.litestream4j.replica.ObjectKeys;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.ReplicaLease;
import io.litestream4j.replica.RfcTimestamps;
import io.litestream4j.replica.UploadSource;
import io.litestream4j.replica.lease.LeaseRecord;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica in an Azure Blob Storage container, laid out exactly as Litestream's {@code abs}
 * backend: {@code <path>/ltx/<level>/<min>-<max>.ltx}, with the LTX header timestamp in the blob
 * metadata {@code litestreamtimestamp} (Azure metadata names cannot contain hyphens).
 *
 * <p>Guarantees: a file becomes visible only once completely stored (one Put Blob for files below
 * the block size, else staged blocks committed at once); a failing source stores nothing and is
 * reported as itself. Listings read the timestamp from the metadata returned with the listing
 * (falling back to the blob's creation time for blobs written by other tools) and honour {@code
 * seek} as "min TXID at least seek", not Litestream's exact-prefix match. Requests are retried as
 * Litestream does (see {@link AbsTuning}). Secrets never appear in messages. Safe for concurrent
 * use.
 *
 * <p>With a lease taken through {@link #acquireLease} ({@code <path>/lock.json}, Litestream's S3
 * lease format, written with {@code If-None-Match}/{@code If-Match} on the ETag), writes and
 * deletes are refused once the lease is lost or expired.
 */
public final class AbsReplicaClient implements ReplicaClient, LeaseableClient {

  public static final String TYPE = "abs";

  /** The metadata holding the LTX header timestamp (RFC 3339 with nanoseconds). */
  public static final String TIMESTAMP_METADATA = "litestreamtimestamp";

  private static final Logger LOG = LoggerFactory.getLogger(AbsReplicaClient.class);
  private static final Set<Integer> RETRIED_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

  private final AbsSettings settings;
  private final AbsTuning tuning;
  private final ObjectKeys keys;
  private final ClientLifecycle<BlobContainerClient> lifecycle;

  AbsReplicaClient(AbsSettings settings, AbsTuning tuning) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tuning = Objects.requireNonNull(tuning, "tuning");
    this.keys = new ObjectKeys(settings.path(), ObjectKeys.Layout.LTX_DIRECTORIES);
    this.lifecycle =
        new ClientLifecycle<>(TYPE, settings.location(), this::connect, container -> {});
  }

  /** A client for {@code settings} with Litestream's retries; nothing is contacted yet. */
  public static AbsReplicaClient create(AbsSettings settings) {
    return new AbsReplicaClient(settings, AbsTuning.DEFAULTS);
  }

  static AbsReplicaClient create(AbsSettings settings, AbsTuning tuning) {
    return new AbsReplicaClient(settings, tuning);
  }

  public AbsSettings settings() {
    return settings;
  }

  /** The blob name of an LTX file: {@code <path>/ltx/<level>/<min>-<max>.ltx}. */
  public String blobName(int level, long minTxid, long maxTxid) {
    return keys.ltxKey(level, minTxid, maxTxid);
  }

  /** The blob name of the lease: {@code <path>/lock.json}. */
  public String lockBlobName() {
    return keys.lockKey();
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** Builds the SDK client; the container is first contacted by the first request. */
  @Override
  public void init() throws IOException {
    container();
  }

  private BlobContainerClient container() throws IOException {
    return lifecycle.client();
  }

  private BlobContainerClient connect() throws IOException {
    try {
      BlobContainerClient container = build().getBlobContainerClient(settings.container());
      LOG.atDebug()
          .addKeyValue("replica", settings.location())
          .log("endpoint {}, {}", settings.endpoint(), settings.credentials());
      return container;
    } catch (RuntimeException e) {
      throw new IOException(
          "abs: cannot set up a client for "
              + settings.location()
              + " at "
              + settings.endpoint()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private com.azure.storage.blob.BlobServiceClient build() {
    HttpClient http =
        new JdkHttpClientBuilder()
            .connectionTimeout(java.time.Duration.ofSeconds(30))
            .responseTimeout(tuning.tryTimeout())
            .build();
    Predicate<com.azure.core.http.policy.RequestRetryCondition> retried =
        condition ->
            condition.getResponse() == null
                || RETRIED_STATUSES.contains(condition.getResponse().getStatusCode());
    RetryOptions retries =
        new RetryOptions(
                new ExponentialBackoffOptions()
                    .setMaxRetries(tuning.maxRetries())
                    .setBaseDelay(tuning.baseDelay())
                    .setMaxDelay(tuning.maxDelay()))
            .setShouldRetryCondition(retried);
    var builder =
        new BlobServiceClientBuilder()
            .endpoint(settings.endpoint())
            .httpClient(http)
            .retryOptions(retries);
    switch (settings.credentials()) {
      case AbsCredentials.SasToken sas -> builder.sasToken(sas.token());
      case AbsCredentials.SharedKey key ->
          builder.credential(new StorageSharedKeyCredential(key.accountName(), key.accountKey()));
      case AbsCredentials.DefaultChain chain ->
          builder.credential(new DefaultAzureCredentialBuilder().build());
    }
    return builder.buildClient();
  }

  // ---------------------------------------------------------------------------------------------
  // Listing

  /**
   * Lists the level's blobs with their metadata (one request per page) and keeps those from {@code
   * seekTxid} on. The whole level prefix is listed: the service's "start from" parameter is too new
   * for the emulator and for older accounts' API versions.
   */
  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    BlobContainerClient c = container();
    String prefix = keys.levelPrefix(level);
    var options =
        new ListBlobsOptions()
            .setPrefix(prefix)
            .setMaxResultsPerPage(tuning.listPageSize())
            .setDetails(new BlobListDetails().setRetrieveMetadata(true));
    var files = new LtxListing(level, seekTxid);
    try {
      for (BlobItem item : c.listBlobs(options, null)) {
        Optional<LtxFileName> name = files.match(keys, item.getName());
        if (name.isPresent() && !Boolean.TRUE.equals(item.isPrefix())) {
          files.add(name.get(), size(item), createdAt(item));
        }
      }
    } catch (RuntimeException e) {
      throw AbsErrors.io("list", settings.where(prefix), e, settings);
    }
    return files.sorted();
  }

  private static long size(BlobItem item) {
    Long length = item.getProperties() == null ? null : item.getProperties().getContentLength();
    return length == null ? 0 : length;
  }

  private Instant createdAt(BlobItem item) {
    Map<String, String> metadata = item.getMetadata();
    var props = item.getProperties();
    return RfcTimestamps.parseOr(
        metadata == null ? null : metadata.get(TIMESTAMP_METADATA),
        props == null ? null : props.getCreationTime(),
        props == null ? null : props.getLastModified());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    LtxFileInfo.checkRange(offset, length);
    String name = keys.ltxKey(level, minTxid, maxTxid);
    BlobClient blob = container().getBlobClient(name);
    BlobRange range = length == 0 ? new BlobRange(offset) : new BlobRange(offset, length);
    try {
      return blob.openInputStream(
          new BlobInputStreamOptions().setRange(range).setBlockSize(tuning.readChunkSize()));
    } catch (RuntimeException e) {
      if (AbsErrors.isNotFound(e)) {
        throw new LtxFileNotFoundException(
            settings.where(name), level, minTxid, maxTxid, "no such LTX file on the abs replica");
      }
      if (AbsErrors.isInvalidRange(e)) {
        return InputStream.nullInputStream(); // offset at or past the end
      }
      throw AbsErrors.io("read", settings.where(name), e, settings);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    String name = keys.ltxKey(level, minTxid, maxTxid);
    checkLease("write " + settings.where(name));
    LtxHeaderPeek peek = LtxHeaderPeek.read(data, level, minTxid, maxTxid);
    BlobClient blob = container().getBlobClient(name);
    var source = new UploadSource(peek.stream());
    Map<String, String> metadata =
        Map.of(TIMESTAMP_METADATA, RfcTimestamps.format(peek.timestamp()));
    BlobHttpHeaders headers = new BlobHttpHeaders().setContentType("application/octet-stream");
    byte[] head = source.readNBytes((int) tuning.blockSize());
    try {
      if (head.length < tuning.blockSize()) {
        // The whole file is in hand: one Put Blob with a known length.
        blob.getBlockBlobClient()
            .uploadWithResponse(
                new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(head))
                    .setMetadata(metadata)
                    .setHeaders(headers),
                null,
                Context.NONE);
      } else {
        // Staged blocks, committed at once at the end.
        var rest = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), source);
        var options =
            new BlobParallelUploadOptions(rest)
                .setMetadata(metadata)
                .setHeaders(headers)
                .setParallelTransferOptions(
                    new ParallelTransferOptions()
                        .setBlockSizeLong(tuning.blockSize())
                        .setMaxSingleUploadSizeLong(tuning.blockSize())
                        .setMaxConcurrency(tuning.uploadConcurrency()));
        blob.uploadWithResponse(options, null, Context.NONE);
      }
    } catch (RuntimeException e) {
      source.throwFailure();
      throw AbsErrors.io("upload", settings.where(name), e, settings);
    }
    source.throwFailure();
    LOG.debug("uploaded {} ({} bytes)", settings.where(name), source.count());
    return new LtxFileInfo(level, minTxid, maxTxid, source.count(), peek.timestamp());
  }

  // ---------------------------------------------------------------------------------------------
  // Deleting

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    lifecycle.deleteEach(files.stream().map(keys::ltxKey).toList(), this::delete);
  }

  /**
   * Deletes every blob under the replica's path ({@code <path>/}, or {@code ltx/} for an empty
   * path), except the lease while this client holds it.
   */
  @Override
  public void deleteAll() throws IOException {
    lifecycle.deleteAll(keys.rootPrefix(), lockBlobName(), this::names, this::delete);
  }

  private List<String> names(BlobContainerClient c, String prefix) throws IOException {
    var options =
        new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(tuning.listPageSize());
    try {
      return c.listBlobs(options, null).stream().map(BlobItem::getName).toList();
    } catch (RuntimeException e) {
      throw AbsErrors.io("list", settings.where(prefix), e, settings);
    }
  }

  private void delete(BlobContainerClient c, String name) throws IOException {
    try {
      c.getBlobClient(name).deleteIfExists();
    } catch (RuntimeException e) {
      throw AbsErrors.io("delete", settings.where(name), e, settings);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lease

  /**
   * Takes the lease {@code <path>/lock.json} as this process ({@code host:pid}) and renews it in
   * the background; gives {@link ReplicaLease#none()} when the configuration says {@code lease:
   * false}.
   */
  @Override
  public ReplicaLease acquireLease(Consumer<? super LeaseLostException> onLost) throws IOException {
    return acquireLease(LeaseRecord.currentOwner(), onLost);
  }

  /** Like {@link #acquireLease(Consumer)} with an explicit owner name (several in one process). */
  ReplicaLease acquireLease(String owner, Consumer<? super LeaseLostException> onLost)
      throws IOException {
    return lifecycle.acquireLease(
        settings.lease(),
        c -> new AbsLeaseStore(c.getBlobClient(lockBlobName()), settings),
        owner,
        tuning.lease(),
        Clock.systemUTC(),
        onLost);
  }

  private void checkLease(String action) throws LeaseLostException {
    lifecycle.checkLease(action);
  }

  /** Releases the lease if this client holds one; later requests fail. */
  @Override
  public void close() throws IOException {
    lifecycle.close();
  }

  @Override
  public String toString() {
    return "abs replica " + settings.location();
  }
}
