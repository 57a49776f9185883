package io.litestream4j.s3;

import io.litestream4j.internal.ClientLifecycle;
import io.litestream4j.internal.FanOut;
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
import io.litestream4j.replica.lease.LeaseRecord;
import io.litestream4j.replica.lease.LeaseTiming;
import io.litestream4j.restore.v3.V3Names;
import io.litestream4j.restore.v3.V3ReplicaClient;
import io.litestream4j.restore.v3.V3Snapshot;
import io.litestream4j.restore.v3.V3WalSegment;
import io.litestream4j.s3.PartBuffer.UploadSourceException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * A replica in an S3 bucket (AWS or any S3-compatible store), laid out exactly as Litestream's s3
 * backend: {@code <path>/<level %04x>/<min>-<max>.ltx}, each object carrying its LTX header
 * timestamp as {@code litestream-timestamp} metadata (RFC 3339).
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Uploads stream with bounded memory: a file below the part size is one PUT of exactly its
 *       bytes; a larger one is a multipart upload of {@code part-size} parts, {@code concurrency}
 *       at a time, aborted on failure. S3 makes an object visible only once complete.
 *   <li>Every request is retried with exponential backoff on 5xx, 408, 429, throttling and dropped
 *       connections (see {@link S3Tuning}); downloads are ranged, so a {@link
 *       io.litestream4j.replica.ResumableInputStream} resumes a broken one at its offset.
 *   <li>Listings are paginated and start after the requested TXID; batch deletes send 1000 keys per
 *       request and report every key S3 refused.
 *   <li>With a lease taken through {@link #acquireLease}, writes and deletes are refused once the
 *       lease is lost or expired.
 *   <li>No message or log line contains credentials or encryption keys.
 * </ul>
 *
 * <p>Listings and downloads go through {@link ObjectReads}: plain requests signed with SigV4 when
 * the settings allow ({@link HttpObjectReads#forSettings}: static keys, a region, no proxy), so a
 * restore never starts the SDK; the SDK otherwise, and always for writes, deletes, metadata and the
 * lease.
 *
 * <p>Connects lazily on first use (or {@link #init()}). Thread-safe.
 */
public final class S3ReplicaClient implements ReplicaClient, LeaseableClient, V3ReplicaClient {

  public static final String TYPE = "s3";

  /** User metadata key holding the LTX header timestamp, as Litestream names it. */
  public static final String TIMESTAMP_METADATA = "litestream-timestamp";

  /** Keys per DeleteObjects request: S3's limit. */
  static final int DELETE_BATCH = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(S3ReplicaClient.class);

  /** The SDK client and what hangs off it, created together on first use. */
  private record Connection(S3Client s3, ObjectUploader uploader, ExecutorService partPool) {}

  private final S3Settings settings;
  private final S3Tuning tuning;
  private final Clock clock;
  private final ObjectKeys keys;
  private final S3Requests requests;
  private final ClientLifecycle<Connection> lifecycle;

  /**
   * Where listings and downloads go: signed HTTP requests when {@link HttpObjectReads} suits the
   * settings (a restore then never starts the SDK), else the SDK client of {@link #lifecycle}.
   */
  private final ClientLifecycle<ObjectReads> reads;

  S3ReplicaClient(S3Settings settings, S3Tuning tuning, Clock clock, boolean httpReads) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tuning = Objects.requireNonNull(tuning, "tuning");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.keys = new ObjectKeys(settings.path(), ObjectKeys.Layout.HEX_LEVELS);
    this.requests = new S3Requests(settings);
    this.lifecycle =
        new ClientLifecycle<>(
            TYPE, settings.location(), this::connect, S3ReplicaClient::disconnect);
    Optional<HttpObjectReads> http =
        httpReads
            ? HttpObjectReads.forSettings(
                settings, tuning, System.getenv(), System::getProperty, clock)
            : Optional.empty();
    this.reads =
        new ClientLifecycle<>(
            TYPE,
            settings.location(),
            () -> {
              LOG.atDebug()
                  .addKeyValue("replica", settings.location())
                  .log(
                      http.isPresent()
                          ? "reading with signed HTTP requests (static keys, no proxy)"
                          : "reading through the AWS SDK");
              return http.isPresent()
                  ? http.get()
                  : new SdkObjectReads(connection().s3(), requests);
            },
            r -> {});
  }

  /** A client for {@code settings} with default timeouts and retries; nothing is contacted yet. */
  public static S3ReplicaClient create(S3Settings settings) {
    return create(settings, S3Tuning.DEFAULTS);
  }

  public static S3ReplicaClient create(S3Settings settings, S3Tuning tuning) {
    return new S3ReplicaClient(settings, tuning, Clock.systemUTC(), true);
  }

  public S3Settings settings() {
    return settings;
  }

  /** The object key of an LTX file: {@code <path>/<level %04x>/<min>-<max>.ltx}. */
  public String ltxKey(int level, long minTxid, long maxTxid) {
    return keys.ltxKey(level, minTxid, maxTxid);
  }

  /** The key of the lease object, {@code <path>/lock.json}. */
  public String lockKey() {
    return keys.lockKey();
  }

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Prepares the reads (no request is sent); the SDK client itself is built on the first write,
   * delete, lease or metadata read.
   */
  @Override
  public void init() throws IOException {
    reads.client();
  }

  private Connection connection() throws IOException {
    return lifecycle.client();
  }

  private Connection connect() throws IOException {
    try {
      String region = settings.region().orElseGet(() -> SdkClients.lookupRegion(settings, tuning));
      S3Client s3 = SdkClients.build(settings, tuning, region);
      ExecutorService pool =
          Executors.newCachedThreadPool(
              Thread.ofPlatform().name("l4j-s3-part-", 1).daemon(true).factory());
      Connection c =
          new Connection(
              s3,
              new ObjectUploader(s3, requests, pool, settings.partSize(), settings.concurrency()),
              pool);
      LOG.atDebug()
          .addKeyValue("replica", settings.location())
          .log(
              "region {}, path style {}, provider {}, part size {}, concurrency {}",
              region,
              settings.forcePathStyle(),
              settings.provider(),
              settings.partSize(),
              settings.concurrency());
      return c;
    } catch (SdkException | IllegalArgumentException e) {
      throw new IOException(
          "s3: cannot set up a client for " + settings.location() + ": " + e.getMessage(), e);
    }
  }

  private static void disconnect(Connection c) {
    c.partPool().shutdownNow();
    c.s3().close();
  }

  /** Whether the SDK client was built (the reads may not have needed it). */
  boolean sdkStarted() {
    return lifecycle.isOpen();
  }

  private String where(String key) {
    return "s3://" + settings.bucket() + "/" + key;
  }

  // ---------------------------------------------------------------------------------------------
  // Listing

  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    String prefix = keys.levelPrefix(level);
    // Names sort by min TXID (fixed-width hex), so every file with min >= seek comes after this.
    String startAfter = seekTxid > 1 ? prefix + "%016x".formatted(seekTxid) : null;
    var files = new LtxListing(level, seekTxid);
    for (ObjectReads.Listed object : reads.client().list(prefix, startAfter)) {
      Optional<LtxFileName> name = files.match(keys, object.key());
      if (name.isPresent()) {
        files.add(name.get(), object.size(), object.lastModified());
      }
    }
    return files.sorted();
  }

  /**
   * One listing of every level's objects, {@code <path>/0000/} to {@code <path>/0009/}: S3 returns
   * keys in ascending order, page after page, so no level is listed before a lower one, as the
   * interface requires, and a replica of a few files costs one request instead of ten.
   */
  @Override
  public List<List<LtxFileInfo>> ltxFilesOfAllLevels() throws IOException {
    String prefix = keys.allLevelsPrefix();
    List<List<LtxFileInfo>> levels = new ArrayList<>();
    for (int level = LtxFileInfo.L0; level <= LtxFileInfo.SNAPSHOT_LEVEL; level++) {
      levels.add(new ArrayList<>());
    }
    for (ObjectReads.Listed object : reads.client().list(prefix, null)) {
      keys.parseAnyLevel(object.key(), object.size(), object.lastModified())
          .ifPresent(f -> levels.get(f.level()).add(f));
    }
    levels.forEach(l -> l.sort(LtxFileInfo.BY_TXID));
    return levels;
  }

  /**
   * Lists like {@link #ltxFiles} and then reads every file's {@code litestream-timestamp} with
   * parallel HEAD requests. Files deleted in the meantime are left out; files without the metadata
   * (written by other tools) keep their upload time.
   */
  @Override
  public List<LtxFileInfo> ltxFilesWithExactTimestamps(int level, long seekTxid)
      throws IOException {
    List<LtxFileInfo> listed = ltxFiles(level, seekTxid);
    if (listed.isEmpty()) {
      return listed;
    }
    S3Client s3 = connection().s3();
    List<Optional<LtxFileInfo>> read =
        FanOut.map(
            listed, tuning.metadataConcurrency(), "l4j-s3-head-", f -> exactTimestamp(s3, f));
    return read.stream().flatMap(Optional::stream).toList();
  }

  private Optional<LtxFileInfo> exactTimestamp(S3Client s3, LtxFileInfo f) throws IOException {
    String key = keys.ltxKey(f.level(), f.minTxid(), f.maxTxid());
    HeadObjectResponse head;
    try {
      head = s3.headObject(requests.head(key));
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Errors.io("read metadata of", where(key), e);
    }
    String raw = head.metadata().get(TIMESTAMP_METADATA);
    Optional<Instant> ts = RfcTimestamps.parse(raw);
    if (ts.isEmpty()) {
      LOG.debug(
          "{} has no usable {} metadata ({}); using its upload time",
          where(key),
          TIMESTAMP_METADATA,
          raw);
      return Optional.of(f);
    }
    return Optional.of(new LtxFileInfo(f.level(), f.minTxid(), f.maxTxid(), f.size(), ts.get()));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    LtxFileInfo.checkRange(offset, length);
    String key = keys.ltxKey(level, minTxid, maxTxid);
    InputStream body = reads.client().get(key, offset, length);
    if (body == null) {
      throw new LtxFileNotFoundException(
          where(key), level, minTxid, maxTxid, "no such LTX file on the s3 replica");
    }
    return body;
  }

  // ---------------------------------------------------------------------------------------------
  // Litestream 0.3 backups (read-only): <path>/generations/<id>/{snapshots,wal}/...

  private String v3Prefix() {
    return settings.path().isEmpty() ? "generations/" : keys.rootPrefix() + "generations/";
  }

  /** Objects under {@code prefix}: name after the prefix, size, upload time. */
  private List<ObjectReads.Listed> listV3(String prefix) throws IOException {
    return reads.client().list(prefix, null);
  }

  @Override
  public List<String> v3Generations() throws IOException {
    String prefix = v3Prefix();
    return listV3(prefix).stream()
        .map(o -> o.key().substring(prefix.length()))
        .map(rest -> rest.indexOf('/') > 0 ? rest.substring(0, rest.indexOf('/')) : "")
        .filter(V3Names::isGeneration)
        .distinct()
        .sorted()
        .toList();
  }

  @Override
  public List<V3Snapshot> v3Snapshots(String generation) throws IOException {
    String prefix = v3Prefix() + generation + "/snapshots/";
    var out = new ArrayList<V3Snapshot>();
    for (ObjectReads.Listed o : listV3(prefix)) {
      V3Snapshot.fromName(
              generation, o.key().substring(prefix.length()), o.size(), o.lastModified())
          .ifPresent(out::add);
    }
    out.sort(V3Snapshot.BY_INDEX);
    return out;
  }

  @Override
  public List<V3WalSegment> v3WalSegments(String generation) throws IOException {
    String prefix = v3Prefix() + generation + "/wal/";
    var out = new ArrayList<V3WalSegment>();
    for (ObjectReads.Listed o : listV3(prefix)) {
      V3WalSegment.fromName(
              generation, o.key().substring(prefix.length()), o.size(), o.lastModified())
          .ifPresent(out::add);
    }
    out.sort(V3WalSegment.BY_POSITION);
    return out;
  }

  @Override
  public InputStream openV3Snapshot(V3Snapshot snapshot) throws IOException {
    return openV3(v3Prefix() + snapshot.generation() + "/snapshots/" + snapshot.name());
  }

  @Override
  public InputStream openV3WalSegment(V3WalSegment segment) throws IOException {
    return openV3(v3Prefix() + segment.generation() + "/wal/" + segment.name());
  }

  private InputStream openV3(String key) throws IOException {
    InputStream body = reads.client().get(key, 0, 0);
    if (body == null) {
      throw new IOException("s3: cannot read " + where(key) + ": no such object");
    }
    return body;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    String key = keys.ltxKey(level, minTxid, maxTxid);
    checkLease("write " + where(key));
    LtxHeaderPeek peek = LtxHeaderPeek.read(data, level, minTxid, maxTxid);
    Map<String, String> metadata =
        Map.of(TIMESTAMP_METADATA, RfcTimestamps.format(peek.timestamp()));
    ObjectUploader.Result result;
    try {
      result = connection().uploader().upload(key, peek.stream(), metadata, where(key));
    } catch (UploadSourceException e) {
      throw e.getCause();
    }
    LOG.debug("uploaded {} ({} bytes, {} part(s))", where(key), result.size(), result.parts());
    return new LtxFileInfo(level, minTxid, maxTxid, result.size(), peek.timestamp());
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    if (files.isEmpty()) {
      return;
    }
    checkLease("delete files from " + settings.location());
    var batch = new ArrayList<String>(Math.min(files.size(), DELETE_BATCH));
    var failures = new ArrayList<String>();
    for (LtxFileInfo f : files) {
      batch.add(keys.ltxKey(f.level(), f.minTxid(), f.maxTxid()));
      if (batch.size() == DELETE_BATCH) {
        deleteBatch(batch, failures);
        batch.clear();
      }
    }
    deleteBatch(batch, failures);
    throwIfFailed(failures, files.size());
  }

  /** Deletes every object under the path, except the lease while this client holds it. */
  @Override
  public void deleteAll() throws IOException {
    checkLease("delete everything in " + settings.location());
    String skip = lifecycle.leaseHeld() ? keys.lockKey() : null;
    var batch = new ArrayList<String>(DELETE_BATCH);
    var failures = new ArrayList<String>();
    long total = 0;
    for (ObjectReads.Listed object : reads.client().list(keys.rootPrefix(), null)) {
      if (object.key().equals(skip)) {
        continue;
      }
      batch.add(object.key());
      total++;
      if (batch.size() == DELETE_BATCH) {
        deleteBatch(batch, failures);
        batch.clear();
      }
    }
    deleteBatch(batch, failures);
    throwIfFailed(failures, total);
  }

  private void deleteBatch(List<String> batch, List<String> failures) throws IOException {
    if (batch.isEmpty()) {
      return;
    }
    List<ObjectIdentifier> ids =
        batch.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
    DeleteObjectsResponse response;
    try {
      response =
          connection()
              .s3()
              .deleteObjects(
                  r -> r.bucket(settings.bucket()).delete(d -> d.objects(ids).quiet(true)));
    } catch (SdkException e) {
      throw S3Errors.io(
          "delete a batch of " + ids.size() + " objects from", settings.location(), e);
    }
    for (S3Error error : response.errors()) {
      if (!"NoSuchKey".equals(error.code())) {
        failures.add(error.key() + ": " + error.code() + " (" + error.message() + ")");
      }
    }
  }

  private void throwIfFailed(List<String> failures, long requested) throws IOException {
    if (failures.isEmpty()) {
      return;
    }
    int shown = Math.min(failures.size(), 10);
    throw new IOException(
        "s3: cannot delete %d of %d objects from %s: %s%s"
            .formatted(
                failures.size(),
                requested,
                settings.location(),
                String.join("; ", failures.subList(0, shown)),
                failures.size() > shown ? "; and " + (failures.size() - shown) + " more" : ""));
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
        c -> new S3LeaseStore(c.s3(), settings.bucket(), keys.lockKey(), settings.provider()),
        owner,
        new LeaseTiming(tuning.leaseTtl(), tuning.leaseRenewInterval()),
        clock,
        onLost);
  }

  private void checkLease(String action) throws LeaseLostException {
    lifecycle.checkLease(action);
  }

  // ---------------------------------------------------------------------------------------------

  /** Releases the lease if this client holds one, then the HTTP client and upload threads. */
  @Override
  public void close() throws IOException {
    reads.close();
    lifecycle.close();
  }

  @Override
  public String toString() {
    return "s3 replica " + settings.location();
  }
}
