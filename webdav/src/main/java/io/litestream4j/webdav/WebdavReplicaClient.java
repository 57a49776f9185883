package io.litestream4j.webdav;

import io.litestream4j.internal.LimitedInputStream;
import io.litestream4j.internal.UploadCopy;
import io.litestream4j.ltx.Checksums;
import io.litestream4j.ltx.Crc64;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.ltx.LtxTrailer;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.LtxHeaderPeek;
import io.litestream4j.replica.LtxHeaderTimestamps;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica on a WebDAV server, laid out exactly as Litestream's webdav backend: {@code
 * <path>/ltx/<level in decimal>/<min>-<max>.ltx}.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Uploads are PUT with a {@code Content-Length} to a temporary name ({@code
 *       <name>.<random>.tmp}, never listed), then published with {@code MOVE} ({@code Overwrite:
 *       T}), so readers see a file whole or not at all. On a server without MOVE the file is PUT
 *       under its final name instead (as Litestream does) and the temporary one deleted. Missing
 *       directories are created with {@code MKCOL}, parents first.
 *   <li>Timestamps: WebDAV servers set their own modification times, and Litestream keeps none.
 *       Each upload also sets the dead property {@code {urn:litestream4j}ltx-timestamp} to the LTX
 *       header timestamp (RFC 3339), which listings read back; on servers that keep no dead
 *       properties (rclone) listings report the server's time, and {@link
 *       #ltxFilesWithExactTimestamps} reads each file's header, which also gives exact times for
 *       replicas Litestream wrote.
 *   <li>Listings are {@code PROPFIND} (depth 1) of one level directory; ranged reads use {@code
 *       Range} and cope with servers that ignore it.
 *   <li>Connection failures are retried (see {@link WebdavHttp}); HTTP errors are explained.
 * </ul>
 *
 * <p>Connects lazily. Thread-safe.
 */
public final class WebdavReplicaClient implements ReplicaClient {

  public static final String TYPE = "webdav";

  private static final Logger LOG = LoggerFactory.getLogger(WebdavReplicaClient.class);
  private static final int HEADER_READERS = 8;

  /**
   * Slowest transfer rate allowed before a large upload times out: 100 KB/s beyond the base
   * timeout.
   */
  private static final long MIN_BYTES_PER_MILLI = 100;

  private static final String PROPFIND_BODY =
      """
      <?xml version="1.0" encoding="utf-8"?>
      <D:propfind xmlns:D="DAV:" xmlns:L="%s">
        <D:prop><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><L:%s/></D:prop>
      </D:propfind>
      """
          .formatted(Multistatus.NAMESPACE, Multistatus.TIMESTAMP_PROPERTY);

  private final WebdavSettings settings;
  private final WebdavHttp http;
  private final Set<String> knownDirs = ConcurrentHashMap.newKeySet();
  private volatile boolean deadPropertiesUnsupported;
  private volatile boolean moveUnsupported;
  private volatile boolean closed;

  public WebdavReplicaClient(WebdavSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http = new WebdavHttp(settings);
  }

  public WebdavSettings settings() {
    return settings;
  }

  /** The directory of {@code level} relative to the server root: {@code <path>/ltx/<level>}. */
  public String levelDir(int level) {
    LtxFileInfo.checkLevel(level);
    return (settings.path().isEmpty() ? "" : settings.path() + "/") + "ltx/" + level;
  }

  /** The path of an LTX file relative to the server root. */
  public String ltxPath(int level, long minTxid, long maxTxid) {
    String dir = levelDir(level);
    LtxFileInfo.checkTxids(minTxid, maxTxid);
    return dir + "/" + LtxFileName.format(minTxid, maxTxid);
  }

  /** The URL of a path relative to the server root, each segment percent-encoded. */
  URI uri(String relative, boolean collection) {
    var sb = new StringBuilder(settings.root().toString());
    String[] segments = relative.split("/");
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].isEmpty()) {
        continue;
      }
      sb.append(encode(segments[i]));
      if (i < segments.length - 1 || collection) {
        sb.append('/');
      }
    }
    return URI.create(sb.toString());
  }

  private static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void init() throws IOException {
    checkOpen();
    HttpResponse<byte[]> r =
        http.send(
            "PROPFIND",
            settings.root(),
            HttpRequest.BodyPublishers.ofString(PROPFIND_BODY),
            settings.timeout(),
            Map.of("Depth", "0", "Content-Type", "application/xml; charset=utf-8"));
    if (r.statusCode() != 207 && r.statusCode() != 200) {
      throw http.error("reach the WebDAV server at", settings.root().toString(), r);
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("webdav replica " + settings.location() + " is closed");
    }
  }

  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    var files = new ArrayList<LtxFileInfo>();
    for (Listed l : list(level, seekTxid)) {
      files.add(l.info());
    }
    return files;
  }

  /**
   * Lists like {@link #ltxFiles}; files without the timestamp property (servers that keep no dead
   * properties, files Litestream wrote) get the timestamp from their LTX header.
   */
  @Override
  public List<LtxFileInfo> ltxFilesWithExactTimestamps(int level, long seekTxid)
      throws IOException {
    List<Listed> listed = list(level, seekTxid);
    var withoutProperty = new ArrayList<LtxFileInfo>();
    for (Listed l : listed) {
      if (!l.exact()) {
        withoutProperty.add(l.info());
      }
    }
    if (withoutProperty.isEmpty()) {
      return listed.stream().map(Listed::info).toList();
    }
    var fromHeaders = new java.util.HashMap<String, LtxFileInfo>();
    for (LtxFileInfo f : LtxHeaderTimestamps.read(this, withoutProperty, HEADER_READERS)) {
      fromHeaders.put(f.name(), f);
    }
    var result = new ArrayList<LtxFileInfo>(listed.size());
    for (Listed l : listed) {
      if (l.exact()) {
        result.add(l.info());
      } else if (fromHeaders.containsKey(l.info().name())) {
        result.add(fromHeaders.get(l.info().name()));
      }
    }
    return result;
  }

  /** A listed file and whether its time came from our timestamp property. */
  private record Listed(LtxFileInfo info, boolean exact) {}

  private List<Listed> list(int level, long seekTxid) throws IOException {
    checkOpen();
    String dir = levelDir(level);
    Optional<Multistatus> listing = propfind(dir);
    if (listing.isEmpty()) {
      return List.of();
    }
    Multistatus status = listing.get();
    var files = new ArrayList<Listed>();
    for (Multistatus.Entry e : status.entries()) {
      if (e.collection()) {
        continue;
      }
      Optional<LtxFileName> name = LtxFileName.parse(e.name());
      if (name.isEmpty()
          || name.get().minTxid() < seekTxid
          || !e.href().endsWith("/" + dir + "/" + e.name())) {
        continue;
      }
      Instant createdAt = e.timestamp().or(e::lastModified).orElse(Instant.EPOCH);
      files.add(
          new Listed(
              new LtxFileInfo(
                  level,
                  name.get().minTxid(),
                  name.get().maxTxid(),
                  e.length().orElse(0),
                  createdAt),
              e.timestamp().isPresent()));
    }
    files.sort(Comparator.comparing(Listed::info, LtxFileInfo.BY_TXID));
    return files;
  }

  /**
   * The depth-1 PROPFIND of a directory; empty if it does not exist. An answer that is not valid
   * XML is asked for again: rclone can emit a broken document when a file is renamed while it lists
   * the directory.
   */
  private Optional<Multistatus> propfind(String dir) throws IOException {
    URI uri = uri(dir, true);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<byte[]> r =
          http.send(
              "PROPFIND",
              uri,
              HttpRequest.BodyPublishers.ofString(PROPFIND_BODY),
              settings.timeout(),
              Map.of("Depth", "1", "Content-Type", "application/xml; charset=utf-8"));
      if (r.statusCode() == 404) {
        return Optional.empty();
      }
      if (r.statusCode() != 207) {
        throw http.error("list", uri.toString(), r);
      }
      try {
        return Optional.of(Multistatus.parse(r.body()));
      } catch (IOException e) {
        if (attempt >= 3) {
          throw new IOException("webdav: cannot list " + uri + ": " + e.getMessage(), e);
        }
        LOG.atDebug()
            .addKeyValue("replica", settings.location())
            .log("listing {} again: {}", uri, e.getMessage());
      }
    }
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    LtxFileInfo.checkRange(offset, length);
    checkOpen();
    if (offset == 0 && length == 0) {
      return openWhole(level, minTxid, maxTxid);
    }
    return openRange(level, minTxid, maxTxid, offset, length);
  }

  /**
   * A whole file of up to {@link #WHOLE_READ_LIMIT} bytes is read into memory before it is handed
   * out, and read again when its body ends short or is not one whole LTX file (its file checksum
   * does not match): a server that serves a file being replaced can cut the old version off
   * mid-body, or serve the start of one version with the other's length (rclone does both), and a
   * reader must get one whole version or an error after a few attempts, never a torn read. After
   * the last attempt the bytes are handed out as read, for the reader's verification to name the
   * damage. Larger files are streamed.
   */
  private InputStream openWhole(int level, long minTxid, long maxTxid) throws IOException {
    for (int attempt = 1; ; attempt++) {
      InputStream in = openRange(level, minTxid, maxTxid, 0, 0);
      if (!(in instanceof WholeBody whole) || whole.size() > WHOLE_READ_LIMIT) {
        return in;
      }
      try (in) {
        byte[] bytes = in.readAllBytes();
        if (attempt < 3 && !wholeLtxFile(bytes)) {
          LOG.atDebug()
              .addKeyValue("replica", settings.location())
              .log(
                  "reading {} again: the body is not one whole LTX file",
                  ltxPath(level, minTxid, maxTxid));
          continue;
        }
        return new java.io.ByteArrayInputStream(bytes);
      } catch (IOException e) {
        if (attempt >= 3) {
          throw e;
        }
        LOG.atDebug()
            .addKeyValue("replica", settings.location())
            .log(
                "reading {} again after a short body: {}",
                ltxPath(level, minTxid, maxTxid),
                e.getMessage());
      }
    }
  }

  private static final long WHOLE_READ_LIMIT = 8L << 20;

  /**
   * False when {@code b} starts like an LTX file but its file checksum (the last 8 bytes, over all
   * bytes before them) does not match; true for anything else.
   */
  private static boolean wholeLtxFile(byte[] b) {
    if (b.length < LtxHeader.SIZE + LtxTrailer.SIZE
        || b[0] != 'L'
        || b[1] != 'T'
        || b[2] != 'X'
        || b[3] != '1') {
      return true;
    }
    long stored = java.nio.ByteBuffer.wrap(b, b.length - 8, 8).getLong();
    return (stored & Checksums.FLAG) == 0
        || (Checksums.FLAG | Crc64.of(b, 0, b.length - 8)) == stored;
  }

  /** A whole-file response body and its announced length (-1 when unknown). */
  private static final class WholeBody extends java.io.FilterInputStream {
    private final long size;

    WholeBody(InputStream in, long size) {
      super(in);
      this.size = size;
    }

    long size() {
      return size < 0 ? Long.MAX_VALUE : size;
    }
  }

  private InputStream openRange(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    String path = ltxPath(level, minTxid, maxTxid);
    URI uri = uri(path, false);
    Map<String, String> headers =
        offset == 0 && length == 0
            ? Map.of()
            : Map.of(
                "Range",
                "bytes=" + offset + "-" + (length > 0 ? Long.toString(offset + length - 1) : ""));
    HttpResponse<InputStream> r = http.stream(uri, headers);
    int status = r.statusCode();
    if (status == 206 || status == 200) {
      InputStream body = r.body();
      if (status == 200 && offset > 0) {
        body.skipNBytes(Math.min(offset, Long.MAX_VALUE)); // server ignored Range
      }
      if (length > 0) {
        return new LimitedInputStream(body, length);
      }
      return offset == 0 && status == 200
          ? new WholeBody(body, r.headers().firstValueAsLong("Content-Length").orElse(-1))
          : body;
    }
    try (InputStream ignored = r.body()) {
      ignored.readNBytes(4096);
    }
    if (status == 416) {
      return InputStream.nullInputStream();
    }
    if (status == 404) {
      throw new LtxFileNotFoundException(
          settings.root() + path,
          level,
          minTxid,
          maxTxid,
          "no such LTX file on the webdav replica");
    }
    throw http.error("read", uri.toString(), new ByteResponse(r));
  }

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    checkOpen();
    String path = ltxPath(level, minTxid, maxTxid);
    LtxHeaderPeek peek = LtxHeaderPeek.read(data, level, minTxid, maxTxid);
    Instant timestamp = peek.timestamp();
    UploadBody body;
    try {
      body = UploadBody.read(peek.stream());
    } catch (UploadCopy.SourceFailure e) {
      throw e.getCause();
    }
    try (body) {
      ensureDirectory(levelDir(level));
      URI target = uri(path, false);
      Duration timeout = settings.timeout().plusMillis(body.size() / MIN_BYTES_PER_MILLI);
      if (moveUnsupported) {
        put(target, body, timeout);
        setTimestamp(target, timestamp);
        return new LtxFileInfo(level, minTxid, maxTxid, body.size(), timestamp);
      }
      URI temp =
          uri(
              path
                  + "."
                  + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                  + ".tmp",
              false);
      boolean published = false;
      try {
        put(temp, body, timeout);
        setTimestamp(temp, timestamp);
        HttpResponse<byte[]> moved =
            http.send(
                "MOVE",
                temp,
                HttpRequest.BodyPublishers.noBody(),
                settings.timeout(),
                Map.of("Destination", target.toString(), "Overwrite", "T"));
        int status = moved.statusCode();
        if (status == 201 || status == 204 || status == 200) {
          published = true;
        } else if (status == 405 || status == 501) {
          LOG.atWarn()
              .addKeyValue("replica", settings.location())
              .log(
                  "{} does not support MOVE (HTTP {}); files are uploaded in place from now on,"
                      + " so a reader may see a partly written file",
                  settings.root(),
                  status);
          moveUnsupported = true;
          put(target, body, timeout);
          setTimestamp(target, timestamp);
        } else {
          throw http.error("move " + temp + " into place at", target.toString(), moved);
        }
      } finally {
        if (!published) {
          deleteQuietly(temp);
        }
      }
      return new LtxFileInfo(level, minTxid, maxTxid, body.size(), timestamp);
    }
  }

  private void put(URI uri, UploadBody body, Duration timeout) throws IOException {
    HttpResponse<byte[]> r =
        http.send(
            "PUT",
            uri,
            body.publisher(),
            timeout,
            Map.of("Content-Type", "application/octet-stream"));
    if (r.statusCode() != 201 && r.statusCode() != 204 && r.statusCode() != 200) {
      throw http.error("upload", uri.toString(), r);
    }
  }

  /** Records the header timestamp as a dead property, unless the server showed it keeps none. */
  private void setTimestamp(URI uri, Instant timestamp) throws IOException {
    if (deadPropertiesUnsupported) {
      return;
    }
    String body =
        """
        <?xml version="1.0" encoding="utf-8"?>
        <D:propertyupdate xmlns:D="DAV:" xmlns:L="%s">
          <D:set><D:prop><L:%s>%s</L:%s></D:prop></D:set>
        </D:propertyupdate>
        """
            .formatted(
                Multistatus.NAMESPACE,
                Multistatus.TIMESTAMP_PROPERTY,
                timestamp,
                Multistatus.TIMESTAMP_PROPERTY);
    HttpResponse<byte[]> r =
        http.send(
            "PROPPATCH",
            uri,
            HttpRequest.BodyPublishers.ofString(body),
            settings.timeout(),
            Map.of("Content-Type", "application/xml; charset=utf-8"));
    String answer = new String(r.body(), StandardCharsets.UTF_8);
    boolean stored =
        r.statusCode() == 200
            || r.statusCode() == 207
                && answer.contains(" 200 ")
                && !answer.contains(" 403 ")
                && !answer.contains(" 409 ")
                && !answer.contains(" 405 ");
    if (!stored) {
      deadPropertiesUnsupported = true;
      LOG.atInfo()
          .addKeyValue("replica", settings.location())
          .log(
              "{} keeps no custom properties (PROPPATCH answered HTTP {}); exact file timestamps"
                  + " will be read from LTX headers when a restore needs them",
              settings.root(),
              r.statusCode());
    }
  }

  /**
   * Creates {@code dir} and its missing parents with MKCOL; remembers directories known to exist.
   */
  private void ensureDirectory(String dir) throws IOException {
    if (knownDirs.contains(dir)) {
      return;
    }
    String[] segments = dir.split("/");
    var prefix = new StringBuilder();
    for (String segment : segments) {
      if (segment.isEmpty()) {
        continue;
      }
      prefix.append(prefix.isEmpty() ? "" : "/").append(segment);
      String d = prefix.toString();
      if (knownDirs.contains(d)) {
        continue;
      }
      URI uri = uri(d, true);
      HttpResponse<byte[]> r =
          http.send(
              "MKCOL", uri, HttpRequest.BodyPublishers.noBody(), settings.timeout(), Map.of());
      int status = r.statusCode();
      // 405: already exists; 301: exists, server redirects to the slash form
      if (status != 201 && status != 200 && status != 204 && status != 405 && status != 301) {
        throw http.error("create directory", uri.toString(), r);
      }
      knownDirs.add(d);
    }
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    checkOpen();
    for (LtxFileInfo f : files) {
      URI uri = uri(ltxPath(f.level(), f.minTxid(), f.maxTxid()), false);
      HttpResponse<byte[]> r =
          http.send(
              "DELETE", uri, HttpRequest.BodyPublishers.noBody(), settings.timeout(), Map.of());
      if (r.statusCode() != 204 && r.statusCode() != 200 && r.statusCode() != 404) {
        throw http.error("delete", uri.toString(), r);
      }
    }
  }

  /**
   * Deletes the replica directory ({@code <path>}, or only {@code ltx} when the path is the server
   * root).
   */
  @Override
  public void deleteAll() throws IOException {
    checkOpen();
    URI uri = uri(settings.path().isEmpty() ? "ltx" : settings.path(), true);
    HttpResponse<byte[]> r =
        http.send("DELETE", uri, HttpRequest.BodyPublishers.noBody(), settings.timeout(), Map.of());
    if (r.statusCode() != 204 && r.statusCode() != 200 && r.statusCode() != 404) {
      throw http.error("delete", uri.toString(), r);
    }
    knownDirs.clear();
  }

  private void deleteQuietly(URI uri) {
    try {
      http.send("DELETE", uri, HttpRequest.BodyPublishers.noBody(), settings.timeout(), Map.of());
    } catch (IOException e) {
      LOG.atDebug()
          .addKeyValue("replica", settings.location())
          .log("cannot delete temporary upload {}: {}", uri, e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    http.close();
  }

  @Override
  public String toString() {
    return "webdav replica " + settings.location();
  }

  /** A streamed error response seen as a (bodiless) byte response, for {@link WebdavHttp#error}. */
  private record ByteResponse(HttpResponse<InputStream> r) implements HttpResponse<byte[]> {
    @Override
    public int statusCode() {
      return r.statusCode();
    }

    @Override
    public HttpRequest request() {
      return r.request();
    }

    @Override
    public Optional<HttpResponse<byte[]>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return r.headers();
    }

    @Override
    public byte[] body() {
      return new byte[0];
    }

    @Override
    public Optional<javax.net.ssl.SSLSession> sslSession() {
      return r.sslSession();
    }

    @Override
    public URI uri() {
      return r.uri();
    }

    @Override
    public java.net.http.HttpClient.Version version() {
      return r.version();
    }
  }
}
