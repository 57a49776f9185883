package io.litestream4j.gs;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.litestream4j.internal.ClientLifecycle;
import io.litestream4j.internal.LimitedInputStream;
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
import io.litestream4j.replica.lease.LeaseTiming;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica in a Google Cloud Storage bucket, laid out exactly as Litestream's {@code gs} backend:
 * {@code <path>/ltx/<level>/<min>-<max>.ltx}, with the LTX header timestamp in the object metadata
 * {@code litestream-timestamp}.
 *
 * <p>Guarantees: files up to {@link #SINGLE_REQUEST_LIMIT} are stored with one request, larger ones
 * with a resumable upload finalised only at the end, so a file is visible only once complete and a
 * failing source stores nothing (and is reported as itself). Listings carry the metadata (falling
 * back to the object's creation time) and honour {@code seek} as "min TXID at least seek", not
 * Litestream's exact-prefix match. Credentials are Application Default Credentials, resolved on
 * first use. Safe for concurrent use.
 *
 * <p>With a lease taken through {@link #acquireLease} ({@code <path>/lock.json}, Litestream's S3
 * lease format, written with generation preconditions), writes and deletes are refused once the
 * lease is lost or expired.
 */
public final class GsReplicaClient implements ReplicaClient, LeaseableClient {

  public static final String TYPE = "gs";

  /** The metadata holding the LTX header timestamp (RFC 3339 with nanoseconds). */
  public static final String TIMESTAMP_METADATA = "litestream-timestamp";

  /** Files up to this size are buffered and stored with a single request. */
  static final int SINGLE_REQUEST_LIMIT = 8 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(GsReplicaClient.class);

  private final GsSettings settings;
  private final Supplier<Storage> connect;
  private final LeaseTiming leaseTiming;
  private final ObjectKeys keys;
  private final ClientLifecycle<Storage> lifecycle;

  GsReplicaClient(GsSettings settings, Supplier<Storage> connect, LeaseTiming leaseTiming) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.connect = Objects.requireNonNull(connect, "connect");
    this.leaseTiming = Objects.requireNonNull(leaseTiming, "leaseTiming");
    this.keys = new ObjectKeys(settings.path(), ObjectKeys.Layout.LTX_DIRECTORIES);
    this.lifecycle =
        new ClientLifecycle<>(TYPE, settings.location(), this::connect, this::closeStorage);
  }

  /** A client using Application Default Credentials; nothing is contacted yet. */
  public static GsReplicaClient create(GsSettings settings) {
    return new GsReplicaClient(
        settings, () -> StorageOptions.getDefaultInstance().getService(), LeaseTiming.DEFAULTS);
  }

  /**
   * A client on an explicitly built {@link Storage} (another project, credentials, or a test fake).
   */
  public static GsReplicaClient create(GsSettings settings, Storage storage) {
    return create(settings, storage, LeaseTiming.DEFAULTS);
  }

  static GsReplicaClient create(GsSettings settings, Storage storage, LeaseTiming leaseTiming) {
    Objects.requireNonNull(storage, "storage");
    return new GsReplicaClient(settings, () -> storage, leaseTiming);
  }

  public GsSettings settings() {
    return settings;
  }

  /** The object name of an LTX file: {@code <path>/ltx/<level>/<min>-<max>.ltx}. */
  public String objectName(int level, long minTxid, long maxTxid) {
    return keys.ltxKey(level, minTxid, maxTxid);
  }

  /** The object name of the lease: {@code <path>/lock.json}. */
  public String lockObjectName() {
    return keys.lockKey();
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void init() throws IOException {
    storage();
  }

  private Storage storage() throws IOException {
    return lifecycle.client();
  }

  private Storage connect() throws IOException {
    try {
      return connect.get();
    } catch (RuntimeException e) {
      throw GsErrors.io("set up a client for", settings.location(), e, settings);
    }
  }

  private BlobId id(String name) {
    return BlobId.of(settings.bucket(), name);
  }

  // ---------------------------------------------------------------------------------------------
  // Listing

  /**
   * Lists the level's objects (with metadata, as every GCS listing does) from {@code seekTxid} on.
   */
  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    Storage s = storage();
    String prefix = keys.levelPrefix(level);
    var files = new LtxListing(level, seekTxid);
    try {
      for (Blob blob :
          s.list(settings.bucket(), Storage.BlobListOption.prefix(prefix)).iterateAll()) {
        Optional<LtxFileName> name = files.match(keys, blob.getName());
        Long size = blob.getSize();
        if (name.isPresent() && size != null) {
          files.add(name.get(), size, createdAt(blob));
        }
      }
    } catch (RuntimeException e) {
      throw GsErrors.io("list", settings.where(prefix), e, settings);
    }
    return files.sorted();
  }

  private static Instant createdAt(Blob blob) {
    Map<String, String> metadata = blob.getMetadata();
    return RfcTimestamps.parseOr(
        metadata == null ? null : metadata.get(TIMESTAMP_METADATA),
        blob.getCreateTimeOffsetDateTime(),
        blob.getUpdateTimeOffsetDateTime());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Opens a ranged read; the first bytes are fetched here, so a missing file fails at once. */
  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    LtxFileInfo.checkRange(offset, length);
    String name = keys.ltxKey(level, minTxid, maxTxid);
    Storage s = storage();
    ReadChannel channel = null;
    try {
      channel = s.reader(id(name));
      channel.seek(offset);
      // The range end is enforced here rather than with ReadChannel.limit: reads are bounded by
      // the requested length, and a range past the end of the object simply ends early.
      long remaining = length > 0 ? length : Long.MAX_VALUE;
      if (length > 0) {
        channel.setChunkSize((int) Math.min(Math.max(length, 64 * 1024), 2 * 1024 * 1024));
      }
      ByteBuffer first = ByteBuffer.allocate((int) Math.min(remaining, 64 * 1024));
      int n = channel.read(first);
      if (n < 0) {
        channel.close();
        return InputStream.nullInputStream();
      }
      var head = new ByteArrayInputStream(first.array(), 0, first.position());
      if (remaining == first.position()) {
        channel.close();
        return head;
      }
      return new SequenceInputStream(
          head,
          new LimitedInputStream(
              new GsReadStream(Channels.newInputStream(channel), settings.where(name)),
              remaining - first.position()));
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      if (GsErrors.isNotFound(e)) {
        throw new LtxFileNotFoundException(
            settings.where(name), level, minTxid, maxTxid, "no such LTX file on the gs replica");
      }
      if (GsErrors.isInvalidRange(e)) {
        return InputStream.nullInputStream();
      }
      throw GsErrors.io("read", settings.where(name), e, settings);
    }
  }

  /** Rethrows the client's unchecked read failures as {@link IOException}s. */
  private static final class GsReadStream extends java.io.FilterInputStream {
    private final String where;

    GsReadStream(InputStream in, String where) {
      super(in);
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (RuntimeException e) {
        throw new IOException("gs: cannot read " + where + ": " + e.getMessage(), e);
      }
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
    BlobInfo info =
        BlobInfo.newBuilder(id(name))
            .setContentType("application/octet-stream")
            .setMetadata(Map.of(TIMESTAMP_METADATA, RfcTimestamps.format(peek.timestamp())))
            .build();
    Storage s = storage();
    var source = new UploadSource(peek.stream());
    byte[] head = source.readNBytes(SINGLE_REQUEST_LIMIT);
    try {
      if (head.length < SINGLE_REQUEST_LIMIT) {
        s.create(info, head);
      } else {
        try (WriteChannel writer = s.writer(info)) {
          writer.write(ByteBuffer.wrap(head));
          byte[] buf = new byte[1024 * 1024];
          for (int n; (n = source.read(buf)) >= 0; ) {
            ByteBuffer chunk = ByteBuffer.wrap(buf, 0, n);
            while (chunk.hasRemaining()) {
              writer.write(chunk);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      source.throwFailure();
      throw GsErrors.io("upload", settings.where(name), e, settings);
    }
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
   * Deletes every object under the replica's path ({@code <path>/}, or {@code ltx/} for an empty
   * path), except the lease while this client holds it.
   */
  @Override
  public void deleteAll() throws IOException {
    lifecycle.deleteAll(keys.rootPrefix(), lockObjectName(), this::names, this::delete);
  }

  private List<String> names(Storage s, String prefix) throws IOException {
    try {
      return s.list(settings.bucket(), Storage.BlobListOption.prefix(prefix))
          .streamAll()
          .map(Blob::getName)
          .toList();
    } catch (RuntimeException e) {
      throw GsErrors.io("list", settings.where(prefix), e, settings);
    }
  }

  private void delete(Storage s, String name) throws IOException {
    try {
      s.delete(id(name));
    } catch (RuntimeException e) {
      if (!GsErrors.isNotFound(e)) {
        throw GsErrors.io("delete", settings.where(name), e, settings);
      }
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
        s -> new GsLeaseStore(s, id(lockObjectName()), settings),
        owner,
        leaseTiming,
        Clock.systemUTC(),
        onLost);
  }

  private void checkLease(String action) throws LeaseLostException {
    lifecycle.checkLease(action);
  }

  /** Releases the lease if this client holds one, then the storage client. */
  @Override
  public void close() throws IOException {
    lifecycle.close();
  }

  private void closeStorage(Storage s) throws IOException {
    try {
      s.close();
    } catch (Exception e) {
      throw new IOException(
          "gs: cannot close the client of " + settings.location() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "gs replica " + settings.location();
  }
}
