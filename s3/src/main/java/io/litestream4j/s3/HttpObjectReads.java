package io.litestream4j.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@link ObjectReads} as plain HTTP requests signed with {@link SigV4}, for a restore that should
 * not pay for starting the AWS SDK: building its client, signer, marshallers and XML parser took
 * ~0.15 s of every S3 restore's ~0.4 s (docs/performance.md, session 14).
 *
 * <p>Used only where it behaves as the SDK would ({@link #forSettings}): static credentials (from
 * the configuration, or {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} in the environment,
 * which the SDK's default chain would pick first as well), a known region, no proxy and no relaxed
 * TLS; on AWS itself a plain bucket name with no endpoint variables. Anything else stays with the
 * SDK.
 *
 * <p>Guarantees: every request is retried like the SDK's (the replica's {@link S3Tuning} attempts
 * and backoff, with full jitter, on 5xx, 408, 429, throttling codes and failed connections), and a
 * retried failure is reported through the same {@link RetryNotice}; an object body that ends before
 * its {@code Content-Length} fails with an {@link IOException} (so a resumable reader continues
 * from there) instead of ending early; closing a body before its end drops the connection.
 * Credentials appear in no message. Thread-safe.
 */
final class HttpObjectReads implements ObjectReads {

  /** How much of an error response is read for its code and message. */
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private static final String USER_AGENT = "litestream4j (litestream)";

  private final String scheme;
  private final String host;
  private final String bucketPath;
  private final String bucket;
  private final SigV4 signer;
  private final Map<String, String> everyRequest;
  private final Map<String, String> objectRequests;
  private final S3Tuning tuning;
  private final RetryNotice notice;
  private final Clock clock;

  /**
   * @param host the {@code Host} header: {@code name[:port]}, the port only when not the scheme's
   * @param bucketPath {@code /bucket} for path-style addressing, empty when the host names the
   *     bucket
   * @param everyRequest headers sent with every request (a provider's)
   * @param objectRequests headers sent with object reads only (the SSE-C key, which the SDK sends
   *     with GET and HEAD of an object, never with a listing)
   */
  HttpObjectReads(
      String scheme,
      String host,
      String bucketPath,
      String bucket,
      SigV4 signer,
      Map<String, String> everyRequest,
      Map<String, String> objectRequests,
      S3Tuning tuning,
      RetryNotice notice,
      Clock clock) {
    this.scheme = scheme;
    this.host = host;
    this.bucketPath = bucketPath;
    this.bucket = bucket;
    this.signer = signer;
    this.everyRequest = Map.copyOf(everyRequest);
    this.objectRequests = Map.copyOf(objectRequests);
    this.tuning = tuning;
    this.notice = notice;
    this.clock = clock;
  }

  /**
   * Reads for {@code s} when signed HTTP requests reach the same objects with the same identity as
   * the SDK's client would; empty otherwise.
   */
  static Optional<HttpObjectReads> forSettings(
      S3Settings s,
      S3Tuning t,
      Map<String, String> env,
      Function<String, @Nullable String> systemProperty,
      Clock clock) {
    if (s.region().isEmpty() || s.skipVerify() || proxied(env, systemProperty)) {
      return Optional.empty();
    }
    String region = s.region().get();
    SigV4 signer;
    if (s.credentials().isPresent()) {
      S3Credentials c = s.credentials().get();
      signer = new SigV4(c.accessKeyId(), c.secretAccessKey(), null, region);
    } else if (systemProperty.apply("aws.accessKeyId") == null
        && !env.getOrDefault("AWS_ACCESS_KEY_ID", "").isBlank()
        && !env.getOrDefault("AWS_SECRET_ACCESS_KEY", "").isBlank()) {
      signer =
          new SigV4(
              env.get("AWS_ACCESS_KEY_ID"),
              env.get("AWS_SECRET_ACCESS_KEY"),
              env.get("AWS_SESSION_TOKEN"),
              region);
    } else {
      return Optional.empty();
    }
    String scheme;
    String server;
    if (s.endpoint().isPresent()) {
      URI endpoint;
      try {
        endpoint = new URI(s.endpoint().get());
      } catch (URISyntaxException e) {
        return Optional.empty();
      }
      String path = endpoint.getRawPath();
      if (endpoint.getHost() == null
          || endpoint.getRawQuery() != null
          || path != null && !path.isEmpty() && !path.equals("/")) {
        return Optional.empty();
      }
      scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
      int port = endpoint.getPort();
      int defaultPort = scheme.equals("https") ? 443 : 80;
      server = endpoint.getHost() + (port == -1 || port == defaultPort ? "" : ":" + port);
    } else {
      if (region.startsWith("cn-")
          || s.bucket().startsWith("arn:")
          || env.containsKey("AWS_ENDPOINT_URL")
          || env.containsKey("AWS_ENDPOINT_URL_S3")
          || env.containsKey("AWS_USE_FIPS_ENDPOINT")
          || env.containsKey("AWS_USE_DUALSTACK_ENDPOINT")) {
        return Optional.empty();
      }
      scheme = "https";
      server = "s3." + region + ".amazonaws.com";
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.empty();
    }
    String host;
    String bucketPath;
    if (s.forcePathStyle()) {
      host = server;
      bucketPath = "/" + SigV4.encode(s.bucket(), true);
    } else {
      if (s.bucket().contains(".") || !s.bucket().equals(s.bucket().toLowerCase(Locale.ROOT))) {
        return Optional.empty(); // not a DNS label: the SDK would fall back to path style
      }
      host = s.bucket() + "." + server;
      bucketPath = "";
    }
    Map<String, String> sseC = new LinkedHashMap<>();
    if (s.encryption() instanceof S3Encryption.CustomerKey k) {
      sseC.put("x-amz-server-side-encryption-customer-algorithm", k.algorithm());
      sseC.put("x-amz-server-side-encryption-customer-key", k.key());
      sseC.put("x-amz-server-side-encryption-customer-key-md5", k.keyMd5());
    }
    Map<String, String> provider =
        s.provider() == S3Provider.TIGRIS ? Map.of("x-tigris-consistent", "true") : Map.of();
    RetryNotice notice =
        new RetryNotice(
            s.location(),
            s.endpoint().orElse("AWS"),
            t.maxAttempts(),
            RetryNotice.INTERVAL,
            System::nanoTime);
    return Optional.of(
        new HttpObjectReads(
            scheme, host, bucketPath, s.bucket(), signer, provider, sseC, t, notice, clock));
  }

  /** Whether a proxy is configured, which the SDK's connections honour and these do not. */
  private static boolean proxied(
      Map<String, String> env, Function<String, @Nullable String> systemProperty) {
    for (String p : List.of("http.proxyHost", "https.proxyHost", "socksProxyHost")) {
      if (systemProperty.apply(p) != null) {
        return true;
      }
    }
    for (String v : List.of("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY")) {
      if (env.get(v) != null) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<Listed> list(String prefix, @Nullable String startAfter) throws IOException {
    List<Listed> out = new ArrayList<>();
    String token = null;
    do {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("list-type", "2");
      query.put("prefix", prefix);
      query.put("encoding-type", "url");
      if (token != null) {
        query.put("continuation-token", token);
      } else if (startAfter != null) {
        query.put("start-after", startAfter);
      }
      String where = "s3://" + bucket + "/" + prefix;
      Reply<String> reply =
          send(
              bucketPath.isEmpty() ? "/" : bucketPath,
              query,
              Map.of(),
              "list",
              where,
              HttpObjectReads::readText);
      if (reply.status() != 200) {
        throw reply.failure("list", where);
      }
      S3Xml.ListPage page;
      try {
        page = S3Xml.listPage(Objects.requireNonNull(reply.body()));
      } catch (IllegalArgumentException e) {
        throw new IOException("s3: cannot list " + where + ": " + e.getMessage(), e);
      }
      for (S3Xml.Entry e : page.entries()) {
        out.add(new Listed(e.key(), e.size(), e.lastModified()));
      }
      token = page.nextToken().orElse(null);
    } while (token != null);
    return out;
  }

  @Override
  public @Nullable InputStream get(String key, long offset, long length) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>(objectRequests);
    if (offset > 0 || length > 0) {
      headers.put(
          "range",
          length > 0 ? "bytes=" + offset + "-" + (offset + length - 1) : "bytes=" + offset + "-");
    }
    String where = "s3://" + bucket + "/" + key;
    Reply<InputStream> reply =
        send(
            bucketPath + "/" + SigV4.encode(key, false),
            Map.of(),
            headers,
            "read",
            where,
            c -> {
              LengthChecked body =
                  new LengthChecked(c.getInputStream(), c.getContentLengthLong(), where);
              // A body read to its length goes back to the JDK's keep-alive cache on close (a
              // reader that knows the length never reads the end of stream); only a body left
              // unfinished drops its connection.
              return new AbortingInputStream(
                  body,
                  () -> {
                    if (!body.complete()) {
                      c.disconnect();
                    }
                  });
            });
    switch (reply.status()) {
      case 200, 206 -> {
        return reply.body();
      }
      case 404 -> {
        if (!"NoSuchBucket".equals(reply.error().code())) {
          return null;
        }
      }
      case 416 -> {
        return InputStream.nullInputStream();
      }
      default -> {
        if (reply.body() != null) {
          reply.body().close(); // a success status a GET should not get: drop it
        }
      }
    }
    throw reply.failure("read", where);
  }

  /**
   * What is made of a successful response's body, within the attempt (so its failure is retried).
   */
  @FunctionalInterface
  private interface Body<T> {
    T read(HttpURLConnection c) throws IOException;
  }

  private static String readText(HttpURLConnection c) throws IOException {
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A final response: a success with its body read by the request's {@link Body} (null on
   * failures), or a failure not worth repeating, with its error document read.
   */
  private record Reply<T>(int status, S3Xml.Error error, @Nullable T body) {
    IOException failure(String action, String where) {
      return new IOException(
          "s3: cannot "
              + action
              + " "
              + where
              + ": "
              + S3ErrorCodes.describe(status, error.code(), error.message(), error.requestId()));
    }
  }

  /**
   * Sends a signed GET, repeating it while it fails in a way worth repeating (reading the body of a
   * success included); gives the first response that is a success or a failure for good.
   */
  private <T> Reply<T> send(
      String path,
      Map<String, String> query,
      Map<String, String> extra,
      String action,
      String where,
      Body<T> success)
      throws IOException {
    String url = scheme + "://" + host + path;
    if (!query.isEmpty()) {
      url += "?" + SigV4.canonicalQuery(query);
    }
    Map<String, String> headers = new LinkedHashMap<>(everyRequest);
    headers.putAll(extra);
    for (int attempt = 1; ; attempt++) {
      IOException failure;
      boolean throttled = false;
      HttpURLConnection c = null;
      try {
        c = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
        c.setConnectTimeout(millis(tuning.connectTimeout().toMillis()));
        c.setReadTimeout(millis(tuning.socketTimeout().toMillis()));
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestProperty("User-Agent", USER_AGENT);
        headers.forEach(c::setRequestProperty);
        signer
            .sign("GET", host, path, query, headers, clock.instant())
            .forEach(c::setRequestProperty);
        int status = c.getResponseCode();
        if (status < 300) {
          return new Reply<>(status, S3Xml.Error.NONE, success.read(c));
        }
        S3Xml.Error error = errorOf(c);
        if (!S3ErrorCodes.isRetryable(status, error.code())) {
          return new Reply<>(status, error, null);
        }
        throttled = S3ErrorCodes.isThrottling(status, error.code());
        failure = new IOException(S3ErrorCodes.describe(status, error.code(), "", ""));
      } catch (InterruptedIOException e) {
        if (!(e instanceof java.net.SocketTimeoutException)) {
          throw e;
        }
        failure = e;
      } catch (IOException e) {
        failure = e;
      }
      if (c != null) {
        c.disconnect();
      }
      if (attempt >= tuning.maxAttempts() || Thread.currentThread().isInterrupted()) {
        throw new IOException(
            "s3: cannot "
                + action
                + " "
                + where
                + ": "
                + failure.getMessage()
                + " (gave up after "
                + attempt
                + " attempts; is the endpoint reachable?)",
            failure);
      }
      notice.retrying(failure);
      pause(attempt, throttled);
    }
  }

  /** Full-jitter exponential backoff, five times the base delay for throttling, as the SDK's. */
  private void pause(int attempt, boolean throttled) throws InterruptedIOException {
    long base = tuning.retryBaseDelay().toMillis() * (throttled ? 5 : 1);
    long ceiling = Math.min(tuning.retryMaxDelay().toMillis(), base << Math.min(attempt - 1, 20));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry an s3 request");
    }
  }

  private static S3Xml.Error errorOf(HttpURLConnection c) {
    try (InputStream err = c.getErrorStream()) {
      if (err == null) {
        return S3Xml.Error.NONE;
      }
      byte[] body = err.readNBytes(MAX_ERROR_BODY);
      return S3Xml.error(new String(body, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      return S3Xml.Error.NONE;
    }
  }

  private static int millis(long ms) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, ms));
  }

  /** A body that fails instead of ending early when the connection closes before its length. */
  private static final class LengthChecked extends FilterInputStream {
    private final long expected;
    private final String where;
    private long read;

    LengthChecked(InputStream in, long expected, String where) {
      super(in);
      this.expected = expected;
      this.where = where;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? -1 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(n);
      return n;
    }

    /** Whether every byte of a body of known length was read. */
    boolean complete() {
      return expected >= 0 && read >= expected;
    }

    private void count(int n) throws IOException {
      if (n >= 0) {
        read += n;
      } else if (expected >= 0 && read < expected) {
        throw new IOException(
            "s3: connection closed after " + read + " of " + expected + " bytes of " + where);
      }
    }
  }

  @Override
  public String toString() {
    return "HttpObjectReads[" + scheme + "://" + host + bucketPath + ", " + signer + "]";
  }
}
