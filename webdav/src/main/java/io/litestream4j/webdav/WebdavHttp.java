package io.litestream4j.webdav;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a WebDAV replica: one JDK {@link HttpClient} (connection pooling, HTTP/1.1),
 * HTTP Basic credentials sent with every request, and the policy for failures.
 *
 * <p>A request that fails at the connection level (the server restarted and closed pooled
 * connections, a reset) is sent again up to twice after a short pause; every request body used here
 * is repeatable. A {@code 423 Locked} answer is retried for a few seconds: servers built on Go's
 * x/net/webdav (rclone) lock a resource for the length of each request, so concurrent uploads into
 * one directory briefly collide. HTTP error statuses are not retried but explained: authentication,
 * missing permission, full storage. No message contains the password.
 */
final class WebdavHttp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebdavHttp.class);
  private static final int ATTEMPTS = 3;
  private static final int LOCKED_ATTEMPTS = 40;

  private final WebdavSettings settings;
  private final HttpClient http;
  private final java.util.concurrent.ExecutorService executor;
  private final Optional<String> authorization;

  WebdavHttp(WebdavSettings settings) {
    this.settings = settings;
    this.executor =
        java.util.concurrent.Executors.newCachedThreadPool(
            Thread.ofPlatform().name("l4j-webdav-http-", 1).daemon(true).factory());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
    this.authorization =
        settings
            .username()
            .map(
                u ->
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (u + ":" + settings.password().orElse(""))
                                    .getBytes(StandardCharsets.UTF_8)));
  }

  /** Sends a request and returns the response with its body read into memory. */
  HttpResponse<byte[]> send(
      String method,
      URI uri,
      HttpRequest.BodyPublisher body,
      Duration timeout,
      Map<String, String> headers)
      throws IOException {
    return send(method, uri, body, timeout, headers, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Sends a request, its response body left to the caller as a stream (which must be closed). */
  HttpResponse<InputStream> stream(URI uri, Map<String, String> headers) throws IOException {
    return send(
        "GET",
        uri,
        HttpRequest.BodyPublishers.noBody(),
        settings.timeout(),
        headers,
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private <T> HttpResponse<T> send(
      String method,
      URI uri,
      HttpRequest.BodyPublisher body,
      Duration timeout,
      Map<String, String> headers,
      HttpResponse.BodyHandler<T> handler)
      throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, body).timeout(timeout);
    authorization.ifPresent(a -> b.header("Authorization", a));
    headers.forEach(b::header);
    HttpRequest request = b.build();
    int locked = 0;
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<T> response = http.send(request, handler);
        if (response.statusCode() == 423 && ++locked < LOCKED_ATTEMPTS) {
          discard(response);
          attempt--;
          pauseLocked(locked);
          continue;
        }
        return response;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted during webdav " + method + " " + uri);
      } catch (IOException e) {
        if (attempt >= ATTEMPTS || e instanceof java.net.http.HttpTimeoutException) {
          throw new IOException(
              "webdav: "
                  + method
                  + " "
                  + uri
                  + " failed: "
                  + describe(e)
                  + "; check that the WebDAV server is running and reachable",
              e);
        }
        LOG.atDebug()
            .addKeyValue("replica", settings.location())
            .log("{} {} failed ({}); sending it again", method, uri, describe(e));
        pause(attempt);
      }
    }
  }

  private static void discard(HttpResponse<?> response) {
    if (response.body() instanceof InputStream in) {
      try (in) {
        in.readNBytes(64 * 1024);
      } catch (IOException ignored) {
        // the connection is dropped instead of reused
      }
    }
  }

  private static void pauseLocked(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(
          Math.min(200, 5L * attempt)
              + java.util.concurrent.ThreadLocalRandom.current().nextInt(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a locked webdav resource");
    }
  }

  private static void pause(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(100L * attempt * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while retrying a webdav request");
    }
  }

  private static String describe(IOException e) {
    String m =
        e.getMessage() != null || e.getCause() == null ? e.getMessage() : e.getCause().toString();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** An exception for an unexpected status, saying what it means for a replica. */
  IOException error(String what, String where, HttpResponse<?> response) {
    int status = response.statusCode();
    String hint =
        switch (status) {
          case 401 ->
              settings.username().isPresent()
                  ? "; the server rejected user '"
                      + settings.username().get()
                      + "': check webdav-username and webdav-password"
                  : "; the server requires credentials: set webdav-username and webdav-password";
          case 403 ->
              "; the user may not do this here: check the server's permissions for the replica path";
          case 404, 409 -> "; the parent directory does not exist";
          case 405 -> "; the server does not allow this method on this path";
          case 507 -> "; the server is out of storage space";
          default -> status >= 500 ? "; the server failed, try again later" : "";
        };
    String body =
        response.body() instanceof byte[] bytes && bytes.length > 0 && bytes.length < 300
            ? " (" + new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ") + ")"
            : "";
    return new IOException(
        "webdav: cannot " + what + " " + where + ": HTTP " + status + body + hint);
  }

  @Override
  public void close() {
    http.shutdownNow();
    http.close();
    executor.shutdownNow();
  }
}
