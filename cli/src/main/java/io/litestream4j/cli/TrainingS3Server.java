package io.litestream4j.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.litestream4j.internal.QueryStrings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Just enough of S3 on loopback for {@link AotTraining} to run a restore from {@code s3://}: the
 * AWS SDK's classes (client, signing, marshalling, response parsing) then come from the AOT cache
 * instead of ~2 600 classes loaded from the jar (a small S3 restore: 1.7 s and 1.0 CPU-s without
 * them in the cache). Serves ListObjectsV2 (prefix, start-after; one page, no delimiter), GET with
 * an optional {@code bytes=a-} / {@code bytes=a-b} range, and HEAD of the objects it was given;
 * anything else is a 404. No authentication; only for the training run.
 */
final class TrainingS3Server implements AutoCloseable {
  static final String BUCKET = "training";

  private final HttpServer server;
  private final Map<String, Path> objects;

  private TrainingS3Server(HttpServer server, Map<String, Path> objects) {
    this.server = server;
    this.objects = objects;
  }

  /**
   * Serves every file under {@code replica/ltx/<level>/} as {@code <path>/<level %04x>/<name>}, the
   * S3 replica layout.
   */
  static TrainingS3Server start(Path replica, String path) throws IOException {
    Map<String, Path> objects = new TreeMap<>();
    Path ltx = replica.resolve("ltx");
    try (Stream<Path> files = Files.walk(ltx)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = ltx.relativize(f);
        int level = Integer.parseInt(rel.getName(0).toString());
        objects.put(path + "/" + "%04x".formatted(level) + "/" + rel.getFileName(), f);
      }
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    TrainingS3Server s3 = new TrainingS3Server(server, objects);
    server.createContext("/", s3::handle);
    server.start();
    return s3;
  }

  /** The replica URL of {@code path} on this server. */
  String url(String path) {
    return "s3://"
        + BUCKET
        + "/"
        + path
        + "?endpoint=http://127.0.0.1:"
        + server.getAddress().getPort()
        + "&region=us-east-1&forcePathStyle=true";
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String uri = ex.getRequestURI().getRawPath();
      String bucketPath = "/" + BUCKET;
      if (uri.equals(bucketPath) || uri.equals(bucketPath + "/")) {
        list(ex, QueryStrings.parse(ex.getRequestURI().getRawQuery()));
      } else if (uri.startsWith(bucketPath + "/")) {
        String key =
            URLDecoder.decode(uri.substring(bucketPath.length() + 1), StandardCharsets.UTF_8);
        object(ex, key);
      } else {
        notFound(ex);
      }
    }
  }

  private void list(HttpExchange ex, Map<String, String> q) throws IOException {
    String prefix = q.getOrDefault("prefix", "");
    String after = q.getOrDefault("start-after", "");
    StringBuilder xml = new StringBuilder();
    int count = 0;
    for (Map.Entry<String, Path> e : objects.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(prefix) || key.compareTo(after) <= 0) {
        continue;
      }
      count++;
      xml.append("<Contents><Key>")
          .append(key)
          .append("</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>")
          .append("<ETag>&quot;0&quot;</ETag><Size>")
          .append(Files.size(e.getValue()))
          .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>"
            + BUCKET
            + "</Name><Prefix>"
            + prefix
            + "</Prefix><KeyCount>"
            + count
            + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
            + xml
            + "</ListBucketResult>";
    send(ex, 200, "application/xml", body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private void object(HttpExchange ex, String key) throws IOException {
    Path file = objects.get(key);
    if (file == null) {
      notFound(ex);
      return;
    }
    byte[] all = Files.readAllBytes(file);
    int from = 0;
    int to = all.length - 1;
    String range = ex.getRequestHeaders().getFirst("Range");
    Map<String, String> headers = new HashMap<>();
    headers.put("ETag", "\"0\"");
    headers.put("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
    int status = 200;
    if (range != null && range.startsWith("bytes=")) {
      String[] ab = range.substring("bytes=".length()).split("-", -1);
      from = Integer.parseInt(ab[0]);
      if (!ab[1].isEmpty()) {
        to = Math.min(to, Integer.parseInt(ab[1]));
      }
      status = 206;
      headers.put("Content-Range", "bytes " + from + "-" + to + "/" + all.length);
    }
    byte[] body = new byte[Math.max(0, to - from + 1)];
    System.arraycopy(all, from, body, 0, body.length);
    send(ex, status, "application/octet-stream", body, headers);
  }

  private static void notFound(HttpExchange ex) throws IOException {
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
            + "<Message>not found</Message></Error>";
    send(ex, 404, "application/xml", body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private static void send(
      HttpExchange ex, int status, String type, byte[] body, Map<String, String> headers)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
