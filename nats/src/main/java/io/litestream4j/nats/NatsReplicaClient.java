package io.litestream4j.nats;

import io.litestream4j.internal.ClientLifecycle;
import io.litestream4j.internal.LimitedInputStream;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.LtxHeaderPeek;
import io.litestream4j.replica.LtxListing;
import io.litestream4j.replica.ReplicaClient;
import io.litestream4j.replica.RfcTimestamps;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.ObjectStore;
import io.nats.client.Options;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.impl.Headers;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica in a NATS JetStream object store bucket, laid out exactly as Litestream's nats backend:
 * objects named {@code ltx/<level in decimal>/<min>-<max>.ltx}, each carrying its LTX header
 * timestamp in the header {@code Litestream-Timestamp} (RFC 3339 with nanoseconds).
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>The bucket must exist: {@link #init()} (and so the first operation) fails with a message
 *       saying how to create it; it is never created.
 *   <li>An object becomes visible only once all its chunks are stored (the store publishes its
 *       metadata last, and removes the chunks of a failed upload).
 *   <li>Reads never end silently short (see {@link NatsDownload}); files up to 8 MiB are read whole
 *       before they are returned, and read again if a concurrent rewrite replaced them mid-read, so
 *       a reader sees one complete version.
 *   <li>Lost connections are re-established by the client library (unlimited attempts unless {@code
 *       max-reconnects} says otherwise); operations during the outage fail and are retried by
 *       replication.
 *   <li>No message or log line contains credentials.
 * </ul>
 *
 * <p>Connects lazily. Thread-safe.
 */
public final class NatsReplicaClient implements ReplicaClient {

  public static final String TYPE = "nats";

  /** The object header holding the LTX header timestamp, as Litestream names it. */
  public static final String TIMESTAMP_HEADER = "Litestream-Timestamp";

  static final int MEMORY_READ_LIMIT = 8 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(NatsReplicaClient.class);
  private static final AtomicInteger DOWNLOADS = new AtomicInteger();

  private record Session(Connection connection, ObjectStore store) {}

  private final NatsSettings settings;
  private final ClientLifecycle<Session> lifecycle;

  public NatsReplicaClient(NatsSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.lifecycle =
        new ClientLifecycle<>(TYPE, settings.location(), this::connect, s -> close(s.connection()));
  }

  public NatsSettings settings() {
    return settings;
  }

  /** The object name of an LTX file: {@code ltx/<level>/<min>-<max>.ltx}. */
  public static String objectName(int level, long minTxid, long maxTxid) {
    LtxFileInfo.checkLevel(level);
    LtxFileInfo.checkTxids(minTxid, maxTxid);
    return "ltx/" + level + "/" + LtxFileName.format(minTxid, maxTxid);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void init() throws IOException {
    session();
  }

  private Session session() throws IOException {
    return lifecycle.client();
  }

  private Session connect() throws IOException {
    Options.Builder b =
        new Options.Builder()
            .server(settings.server())
            .connectionName("litestream4j")
            .maxReconnects(settings.maxReconnects())
            .reconnectWait(settings.reconnectWait())
            .connectionTimeout(settings.timeout())
            .pingInterval(Duration.ofMinutes(2))
            .maxPingsOut(2)
            .reconnectBufferSize(8L << 20)
            .connectionListener(this::connectionEvent)
            .errorListener(new LoggingErrorListener());
    if (settings.usesTls()) {
      b.sslContext(PemTls.context(settings.rootCas(), settings.clientCert(), settings.clientKey()));
    }
    settings.auth().apply(b);
    Connection nc;
    try {
      nc = Nats.connect(b.build());
    } catch (io.nats.client.AuthenticationException e) {
      throw new IOException(
          "nats: the server "
              + settings.server()
              + " rejected the credentials ("
              + settings.auth()
              + "): "
              + e.getMessage()
              + "; check the replica's jwt/seed, creds, nkey, username/password or token",
          e);
    } catch (IOException e) {
      throw new IOException(
          "nats: cannot connect to "
              + settings.server()
              + " within "
              + settings.timeout().toSeconds()
              + "s: "
              + e.getMessage()
              + "; check that nats-server is running and reachable",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while connecting to " + settings.server());
    }
    try {
      nc.objectStoreManagement().getStatus(settings.bucket());
      return new Session(nc, nc.objectStore(settings.bucket()));
    } catch (JetStreamApiException e) {
      close(nc);
      if (e.getErrorCode() == 404) {
        throw new IOException(
            "nats: object store bucket '"
                + settings.bucket()
                + "' does not exist on "
                + settings.server()
                + "; create it first (for example: nats object add "
                + settings.bucket()
                + "), litestream4j never creates buckets",
            e);
      }
      throw cannotOpenBucket(e, "");
    } catch (IOException | RuntimeException e) {
      close(nc);
      throw cannotOpenBucket(e, " (is JetStream enabled on the server? nats-server -js)");
    }
  }

  private IOException cannotOpenBucket(Exception e, String hint) {
    return new IOException(
        "nats: cannot open object store bucket '"
            + settings.bucket()
            + "' on "
            + settings.server()
            + ": "
            + e.getMessage()
            + hint,
        e);
  }

  private void connectionEvent(Connection c, ConnectionListener.Events event) {
    switch (event) {
      case DISCONNECTED -> {
        if (c.getStatus() != Connection.Status.CLOSED && lifecycle.isOpen()) {
          LOG.atWarn()
              .addKeyValue("replica", settings.location())
              .log("disconnected; reconnecting");
        }
      }
      case RECONNECTED ->
          LOG.atInfo().addKeyValue("replica", settings.location()).log("reconnected");
      default -> LOG.atDebug().addKeyValue("replica", settings.location()).log("{}", event);
    }
  }

  private static void close(Connection nc) {
    try {
      nc.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    LtxFileInfo.checkLevel(level);
    String prefix = "ltx/" + level + "/";
    var files = new LtxListing(level, seekTxid);
    for (ObjectInfo info : list("list")) {
      String name = info.getObjectName();
      if (info.isDeleted() || !name.startsWith(prefix)) {
        continue;
      }
      Optional<LtxFileName> parsed = files.match(name.substring(prefix.length()));
      if (parsed.isPresent()) {
        files.add(parsed.get(), info.getSize(), createdAt(info));
      }
    }
    return files.sorted();
  }

  private List<ObjectInfo> list(String what) throws IOException {
    try {
      return session().store().getList();
    } catch (JetStreamApiException e) {
      throw new IOException(
          "nats: cannot " + what + " objects in " + settings.location() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while listing " + settings.location());
    }
  }

  /** The {@code Litestream-Timestamp} header, else the store's modification time. */
  private static Instant createdAt(ObjectInfo info) {
    Headers h = info.getHeaders();
    String raw = h == null ? null : h.getFirst(TIMESTAMP_HEADER);
    Optional<Instant> parsed = RfcTimestamps.parse(raw);
    if (parsed.isPresent()) {
      return parsed.get();
    }
    if (raw != null) {
      LOG.debug(
          "object {} has an unreadable {} header '{}'",
          info.getObjectName(),
          TIMESTAMP_HEADER,
          raw);
    }
    return info.getModified() == null ? Instant.EPOCH : info.getModified().toInstant();
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    LtxFileInfo.checkRange(offset, length);
    String name = objectName(level, minTxid, maxTxid);
    ObjectInfo info = info(name, level, minTxid, maxTxid);
    if (offset >= info.getSize()) {
      return InputStream.nullInputStream();
    }
    if (info.getSize() <= MEMORY_READ_LIMIT) {
      byte[] all = readWhole(name, info, level, minTxid, maxTxid);
      int from = (int) Math.min(offset, all.length);
      int to = length == 0 ? all.length : (int) Math.min(all.length, offset + length);
      return new ByteArrayInputStream(Arrays.copyOfRange(all, from, to));
    }
    NatsDownload d = download(name, info.getSize());
    try {
      d.skipNBytes(offset);
    } catch (IOException e) {
      d.close();
      throw e;
    }
    return length == 0 ? d : new LimitedInputStream(d, length);
  }

  private ObjectInfo info(String name, int level, long minTxid, long maxTxid) throws IOException {
    ObjectInfo info;
    try {
      info = session().store().getInfo(name);
    } catch (JetStreamApiException e) {
      throw new IOException(
          "nats: cannot read " + name + " in " + settings.location() + ": " + e.getMessage(), e);
    }
    if (info == null || info.isDeleted()) {
      throw new LtxFileNotFoundException(
          settings.location() + "/" + name,
          level,
          minTxid,
          maxTxid,
          "no such LTX file in the nats bucket");
    }
    return info;
  }

  /**
   * Reads a small object whole. The store verifies the digest of what it delivered, so the bytes
   * are one complete version; a read broken by a concurrent rewrite is repeated a few times.
   */
  private byte[] readWhole(String name, ObjectInfo info, int level, long minTxid, long maxTxid)
      throws IOException {
    ObjectInfo current = info;
    for (int attempt = 1; ; attempt++) {
      try (NatsDownload d = download(name, current.getSize())) {
        return d.readAllBytes();
      } catch (IOException e) {
        ObjectInfo now = info(name, level, minTxid, maxTxid);
        if (attempt >= 5 || now.getNuid().equals(current.getNuid())) {
          throw e;
        }
        LOG.atDebug()
            .addKeyValue("replica", settings.location())
            .log("{} was replaced while being read; reading the new version", name);
        current = now;
      }
    }
  }

  private NatsDownload download(String name, long size) throws IOException {
    ObjectStore store = session().store();
    return NatsDownload.start(
        size,
        settings.timeout(),
        settings.location() + "/" + name,
        out -> store.get(name, out).getSize(),
        "l4j-nats-get-" + DOWNLOADS.incrementAndGet());
  }

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    String name = objectName(level, minTxid, maxTxid);
    LtxHeaderPeek peek = LtxHeaderPeek.read(data, level, minTxid, maxTxid);
    Instant timestamp = peek.timestamp();
    Headers headers = new Headers().put(TIMESTAMP_HEADER, RfcTimestamps.format(timestamp));
    ObjectStore store = session().store();
    var source = new SourceGuard(peek.stream());
    ObjectInfo stored;
    try {
      stored = store.put(ObjectMeta.builder(name).headers(headers).build(), source);
    } catch (JetStreamApiException | java.security.NoSuchAlgorithmException e) {
      throw new IOException(
          "nats: cannot upload " + name + " to " + settings.location() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      if (source.failure != null) {
        throw source.failure;
      }
      throw new IOException(
          "nats: cannot upload "
              + name
              + " to "
              + settings.location()
              + ": "
              + e.getMessage()
              + " (the server may be unreachable; the upload is retried)",
          e);
    }
    return new LtxFileInfo(level, minTxid, maxTxid, stored.getSize(), timestamp);
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    ObjectStore store = session().store();
    for (LtxFileInfo f : files) {
      delete(store, objectName(f.level(), f.minTxid(), f.maxTxid()));
    }
  }

  private void delete(ObjectStore store, String name) throws IOException {
    try {
      ObjectInfo info = store.getInfo(name);
      if (info != null && !info.isDeleted()) {
        store.delete(name);
      }
    } catch (JetStreamApiException e) {
      if (e.getErrorCode() == 404
          || String.valueOf(e.getMessage())
              .toLowerCase(java.util.Locale.ROOT)
              .contains("not found")) {
        return;
      }
      throw new IOException(
          "nats: cannot delete " + name + " in " + settings.location() + ": " + e.getMessage(), e);
    }
  }

  /** Deletes every object in the bucket (the bucket is the replica), as Litestream does. */
  @Override
  public void deleteAll() throws IOException {
    ObjectStore store = session().store();
    for (ObjectInfo info : list("delete")) {
      delete(store, info.getObjectName());
    }
  }

  /** Closes the connection. Throws nothing: there is no lease to release. */
  @Override
  public void close() {
    try {
      lifecycle.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // closing a connection reports no checked failure
    }
  }

  @Override
  public String toString() {
    return "nats replica " + settings.location();
  }

  /** Remembers a failure to read the upload data, so it is reported as the source's error. */
  private static final class SourceGuard extends FilterInputStream {
    IOException failure;

    SourceGuard(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  /** Routes the client library's asynchronous errors to this class's log. */
  private final class LoggingErrorListener implements ErrorListener {
    @Override
    public void errorOccurred(Connection conn, String error) {
      LOG.atWarn().addKeyValue("replica", settings.location()).log("server reported: {}", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      LOG.atDebug()
          .addKeyValue("replica", settings.location())
          .log("connection: {}", exp.toString());
    }
  }
}
