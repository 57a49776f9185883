package io.litestream4j.gs;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The part of Google Cloud Storage's JSON API that the lease needs, with real generation semantics
 * (a bucket without versioning: only the current generation exists), on loopback: object metadata
 * ({@code GET /storage/v1/b/B/o/O}), media downloads, multipart uploads (gzipped, as the SDK sends
 * them) and deletes, each honouring {@code ifGenerationMatch} (412 when it fails, 0 meaning "does
 * not exist"). Every object write gets a new generation. Conditions are decided under one lock, as
 * the service decides them atomically.
 *
 * <p>Why: no GCS emulator runs here, and google-cloud-nio's {@code LocalStorageHelper} has neither
 * generations nor preconditions. The SDK talks to this server over HTTP exactly as to the service,
 * so the requests the lease sends (and the 412s it must recognise) are the SDK's real ones; what
 * this server cannot show is how the real service behaves beyond its documented contract.
 */
final class GcsObjectServer implements AutoCloseable {

  private record Stored(byte[] data, long generation, String contentType) {}

  private final HttpServer http;
  private final Map<String, Stored> objects = new HashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private long nextGeneration = 1_700_000_000_000_000L;

  private GcsObjectServer(HttpServer http) {
    this.http = http;
  }

  static GcsObjectServer start() throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    var server = new GcsObjectServer(http);
    http.createContext("/", server::handle);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.start();
    return server;
  }

  /** An SDK client on this server: HTTP transport, no credentials, no retries. */
  Storage storage() {
    return StorageOptions.http()
        .setHost("http://127.0.0.1:" + http.getAddress().getPort())
        .setProjectId("test")
        .setCredentials(NoCredentials.getInstance())
        .setRetrySettings(
            StorageOptions.getDefaultRetrySettings().toBuilder().setMaxAttempts(1).build())
        .build()
        .getService();
  }

  /** Method, path and query of every request so far. */
  List<String> requests() {
    return requests;
  }

  /** Overwrites an object unconditionally, as another tool or a rogue replicator might. */
  synchronized void force(String bucket, String name, byte[] data) {
    objects.put(
        bucket + "/" + name,
        new Stored(data.clone(), nextGeneration++, "application/octet-stream"));
  }

  synchronized boolean exists(String bucket, String name) {
    return objects.containsKey(bucket + "/" + name);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      URI uri = ex.getRequestURI();
      requests.add(
          ex.getRequestMethod()
              + " "
              + uri.getRawPath()
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
      Map<String, String> query = query(uri.getRawQuery());
      String path = uri.getRawPath();
      String[] p = path.split("/");
      // /storage/v1/b/{bucket}/o/{object}, /download/storage/v1/b/{bucket}/o/{object},
      // /upload/storage/v1/b/{bucket}/o
      int b = List.of(p).indexOf("b");
      if (b < 0 || p.length < b + 3 || !p[b + 2].equals("o")) {
        reply(ex, 404, error(404, "not found: " + path));
        return;
      }
      String bucket = decode(p[b + 1]);
      Long ifGeneration =
          query.containsKey("ifGenerationMatch")
              ? Long.parseLong(query.get("ifGenerationMatch"))
              : null;
      if (path.startsWith("/upload/") && ex.getRequestMethod().equals("POST")) {
        upload(ex, bucket, query, ifGeneration);
        return;
      }
      if (p.length < b + 4) {
        reply(ex, 404, error(404, "no object in " + path));
        return;
      }
      String name = decode(p[b + 3]);
      String key = bucket + "/" + name;
      synchronized (this) {
        Stored s = objects.get(key);
        if (s == null) {
          reply(ex, 404, error(404, "No such object: " + key));
          return;
        }
        if (query.containsKey("generation")
            && Long.parseLong(query.get("generation")) != s.generation()) {
          reply(ex, 404, error(404, "No such object: " + key + "#" + query.get("generation")));
          return;
        }
        if (ifGeneration != null && ifGeneration != s.generation()) {
          reply(
              ex,
              412,
              error(412, "At least one of the pre-conditions you specified did not hold."));
          return;
        }
        switch (ex.getRequestMethod()) {
          case "GET" -> {
            if ("media".equals(query.get("alt"))) {
              ex.getResponseHeaders().set("Content-Type", s.contentType());
              ex.getResponseHeaders().set("x-goog-generation", Long.toString(s.generation()));
              ex.sendResponseHeaders(200, s.data().length == 0 ? -1 : s.data().length);
              ex.getResponseBody().write(s.data());
            } else {
              reply(ex, 200, metadata(bucket, name, s));
            }
          }
          case "DELETE" -> {
            objects.remove(key);
            ex.sendResponseHeaders(204, -1);
          }
          default -> reply(ex, 405, error(405, "method not allowed"));
        }
      }
    } catch (RuntimeException | IOException e) {
      requests.add("FAILED " + e);
      throw e;
    }
  }

  private void upload(HttpExchange ex, String bucket, Map<String, String> query, Long ifGeneration)
      throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      body =
          new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
    }
    String contentType = ex.getRequestHeaders().getFirst("Content-Type");
    if (!"multipart".equals(query.get("uploadType"))
        || contentType == null
        || !contentType.contains("boundary=")) {
      reply(
          ex,
          400,
          error(400, "only multipart uploads are supported here, got " + query.get("uploadType")));
      return;
    }
    String boundary = contentType.substring(contentType.indexOf("boundary=") + 9).replace("\"", "");
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String[] parts = text.split("--" + java.util.regex.Pattern.quote(boundary));
    String meta = partBody(parts[1]);
    String media = partBody(parts[2]);
    String name = jsonString(meta, "name");
    String mediaType = jsonString(meta, "contentType");
    byte[] data = media.getBytes(StandardCharsets.ISO_8859_1);
    String key = bucket + "/" + name;
    synchronized (this) {
      Stored current = objects.get(key);
      long currentGeneration = current == null ? 0 : current.generation();
      if (ifGeneration != null && ifGeneration != currentGeneration) {
        reply(
            ex, 412, error(412, "At least one of the pre-conditions you specified did not hold."));
        return;
      }
      Stored s =
          new Stored(
              data, nextGeneration++, mediaType == null ? "application/octet-stream" : mediaType);
      objects.put(key, s);
      reply(ex, 200, metadata(bucket, name, s));
    }
  }

  /**
   * The body of one multipart part: after the blank line, without the CRLF before the next
   * boundary.
   */
  private static String partBody(String part) {
    int start = part.indexOf("\r\n\r\n") + 4;
    String body = part.substring(start);
    return body.endsWith("\r\n") ? body.substring(0, body.length() - 2) : body;
  }

  private static String jsonString(String json, String field) {
    var m =
        java.util.regex.Pattern.compile("\"" + field + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
            .matcher(json);
    return m.find() ? m.group(1).replace("\\/", "/") : null;
  }

  private static String metadata(String bucket, String name, Stored s) {
    return """
        {"kind":"storage#object","id":"%s/%s/%d","name":"%s","bucket":"%s","generation":"%d","metageneration":"1",\
        "contentType":"%s","size":"%d","timeCreated":"2026-01-01T00:00:00.000Z","updated":"2026-01-01T00:00:00.000Z"}"""
        .formatted(
            bucket,
            name,
            s.generation(),
            name,
            bucket,
            s.generation(),
            s.contentType(),
            s.data().length);
  }

  private static String error(int code, String message) {
    return "{\"error\":{\"code\":%d,\"message\":\"%s\",\"errors\":[{\"message\":\"%s\",\"reason\":\"%s\"}]}}"
        .formatted(
            code,
            message.replace("\"", "'"),
            message.replace("\"", "'"),
            code == 412 ? "conditionNotMet" : code == 404 ? "notFound" : "invalid");
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private static Map<String, String> query(String raw) {
    var q = new HashMap<String, String>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        q.put(
            decode(eq < 0 ? kv : kv.substring(0, eq)), eq < 0 ? "" : decode(kv.substring(eq + 1)));
      }
    }
    return q;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
