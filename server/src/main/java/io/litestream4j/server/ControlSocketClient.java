package io.litestream4j.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CLI's side of the control socket: one HTTP request per connection over the Unix socket, with
 * a deadline. A server error comes back as an {@link IOException} carrying the server's {@code
 * error} and {@code details}.
 */
public final class ControlSocketClient {
  private final Path socket;
  private final Duration timeout;

  public ControlSocketClient(Path socket, Duration timeout) {
    this.socket = socket;
    this.timeout = timeout;
  }

  public Map<String, Object> get(String route, Map<String, String> query) throws IOException {
    StringBuilder target = new StringBuilder(route);
    char sep = '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      target
          .append(sep)
          .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return exchange("GET " + target, "");
  }

  public Map<String, Object> post(String route, Map<String, Object> body) throws IOException {
    return exchange("POST " + route, Json.write(body));
  }

  private Map<String, Object> exchange(String requestLine, String body) throws IOException {
    if (!Files.exists(socket)) {
      throw new IOException(
          "control socket "
              + socket
              + " does not exist; is `replicate` running with "
              + "socket.enabled: true in its config? (or pass -socket PATH)");
    }
    var executor =
        Executors.newSingleThreadExecutor(Thread.ofVirtual().name("l4j-control-client").factory());
    try {
      Future<HttpMessage> f = executor.submit(() -> send(requestLine, body));
      HttpMessage resp;
      try {
        resp = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        throw new IOException(
            "no answer from control socket " + socket + " within " + timeout.toSeconds() + "s");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw c instanceof IOException io
            ? new IOException("control socket " + socket + ": " + io.getMessage(), io)
            : new IOException(String.valueOf(c), c);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      String[] status = resp.startLine().split(" ", 3);
      int code = status.length > 1 ? Integer.parseInt(status[1]) : 500;
      Map<String, Object> json = resp.body().isBlank() ? Map.of() : Json.parseObject(resp.body());
      if (code != 200) {
        Object err = json.getOrDefault("error", "HTTP " + code);
        Object details = json.get("details");
        throw new IOException(err + (details == null ? "" : ": " + details));
      }
      return json;
    } finally {
      executor.shutdownNow();
    }
  }

  private HttpMessage send(String requestLine, String body) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      OutputStream out = Channels.newOutputStream(ch);
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      String head =
          requestLine
              + " HTTP/1.1\r\nHost: litestream\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + b.length
              + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      InputStream in = Channels.newInputStream(ch);
      return HttpMessage.read(in);
    }
  }
}
