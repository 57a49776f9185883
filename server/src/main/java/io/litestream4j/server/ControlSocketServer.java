package io.litestream4j.server;

import io.litestream4j.config.SocketConfig;
import io.litestream4j.internal.QueryStrings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Litestream's control API: HTTP/1.1 over a Unix domain socket ({@code socket.path}), answered by
 * {@link DatabaseRegistry}. Endpoints and JSON shapes are Litestream's: {@code POST /start}, {@code
 * /stop}, {@code /register}, {@code /unregister}, {@code /sync}; {@code GET /txid?path=}, {@code
 * /list}, {@code /info}. Errors are {@code {"error", "details"}} with 400 (bad request), 404
 * (unknown database), 409 (database not open), 504 (sync wait timed out) or 500.
 *
 * <p>The socket file gets {@code socket.permissions} right after it is bound; a stale socket file
 * left by a crashed process is replaced, a live one or a non-socket file is an error. One named
 * accept thread, one virtual thread per connection; {@link #close()} removes the socket file.
 */
public final class ControlSocketServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlSocketServer.class);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final Path path;
  private final ServerSocketChannel channel;
  private final DatabaseRegistry dbs;
  private final String version;
  private final Instant startedAt;
  private final Thread acceptor;

  private ControlSocketServer(
      Path path,
      ServerSocketChannel channel,
      DatabaseRegistry dbs,
      String version,
      Instant startedAt) {
    this.path = path;
    this.channel = channel;
    this.dbs = dbs;
    this.version = version;
    this.startedAt = startedAt;
    this.acceptor =
        Thread.ofPlatform().name("l4j-control-socket").daemon(true).unstarted(this::acceptLoop);
  }

  public static ControlSocketServer start(
      SocketConfig config, DatabaseRegistry dbs, String version, Instant startedAt)
      throws IOException {
    Path path = config.path().toAbsolutePath();
    UnixSocketFiles.prepare(path);
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, UnixSocketFiles.permissions(config.permissions()));
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(path);
      throw e;
    }
    ControlSocketServer s = new ControlSocketServer(path, ch, dbs, version, startedAt);
    s.acceptor.start();
    LOG.info(
        "control socket listening on {} (mode {})",
        path,
        String.format("%04o", config.permissions()));
    return s;
  }

  public Path path() {
    return path;
  }

  private void acceptLoop() {
    int n = 0;
    while (channel.isOpen()) {
      SocketChannel c;
      try {
        c = channel.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        LOG.atWarn().addKeyValue("socket", path).log("accept failed: {}", e.getMessage());
        continue;
      }
      Thread.ofVirtual().name("l4j-control-" + (++n)).start(() -> serve(c));
    }
  }

  private void serve(SocketChannel c) {
    try (c;
        InputStream in = Channels.newInputStream(c);
        OutputStream out = Channels.newOutputStream(c)) {
      HttpMessage req;
      try {
        req = HttpMessage.read(in);
      } catch (IOException | RuntimeException e) {
        out.write(response(400, error("bad request", e.getMessage())));
        return;
      }
      out.write(handle(req));
    } catch (IOException e) {
      LOG.atDebug().addKeyValue("socket", path).setCause(e).log("connection failed");
    }
  }

  private byte[] handle(HttpMessage req) {
    String[] parts = req.startLine().split(" ");
    if (parts.length < 2) {
      return response(400, error("bad request", "malformed request line"));
    }
    String method = parts[0];
    String target = parts[1];
    int q = target.indexOf('?');
    String route = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = QueryStrings.parse(q < 0 ? "" : target.substring(q + 1));
    try {
      return switch (method + " " + route) {
        case "POST /start" -> {
          Map<String, Object> body = body(req);
          ControlResult r = dbs.start(dbPath(body));
          yield response(200, result(r, true));
        }
        case "POST /stop" -> {
          ControlResult r = dbs.stop(dbPath(body(req)));
          yield response(200, result(r, true));
        }
        case "POST /register" -> {
          Map<String, Object> body = body(req);
          Object url = body.get("replica_url");
          if (!(url instanceof String u) || u.isBlank()) {
            yield response(400, error("replica_url is required", null));
          }
          ControlResult r = dbs.register(dbPath(body), u);
          yield response(200, result(r, false));
        }
        case "POST /unregister" -> {
          ControlResult r = dbs.unregister(dbPath(body(req)));
          yield response(200, result(r, true));
        }
        case "POST /sync" -> {
          Map<String, Object> body = body(req);
          boolean wait = Boolean.TRUE.equals(body.get("wait"));
          Duration timeout = timeout(body);
          ControlResult r = dbs.sync(dbPath(body), wait, timeout);
          Map<String, Object> m = result(r, true);
          m.put("replicated_txid", r.replicatedTxid());
          yield response(200, m);
        }
        case "GET /txid" -> {
          String p = query.get("path");
          if (p == null || p.isEmpty()) {
            yield response(400, error("path is required", null));
          }
          OptionalLong txid = dbs.txid(DatabaseRegistry.normalize(p));
          yield txid.isEmpty()
              ? response(404, error("database not found", p))
              : response(200, Map.of("txid", txid.getAsLong()));
        }
        case "GET /list" -> response(200, list());
        case "GET /info" -> response(200, info());
        default -> response(404, error("not found", method + " " + route));
      };
    } catch (NoSuchDatabaseException e) {
      return response(404, error("database not found", e.path() + " (see `litestream4j list`)"));
    } catch (IllegalStateException e) {
      return response(409, error("database not open", e.getMessage()));
    } catch (TimeoutException e) {
      return response(504, error("sync timed out", e.getMessage()));
    } catch (IllegalArgumentException e) {
      return response(400, error("bad request", e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return response(500, error("interrupted", null));
    } catch (IOException | RuntimeException e) {
      LOG.atWarn().addKeyValue("socket", path).log("{} {} failed: {}", method, route, e.toString());
      return response(500, error(e.getMessage(), null));
    }
  }

  private static Map<String, Object> body(HttpMessage req) {
    return req.body().isBlank() ? Map.of() : Json.parseObject(req.body());
  }

  private static Path dbPath(Map<String, Object> body) {
    Object p = body.get("path");
    if (!(p instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("path is required");
    }
    return DatabaseRegistry.normalize(s);
  }

  private static Duration timeout(Map<String, Object> body) {
    Object t = body.get("timeout");
    if (t instanceof Number n && n.doubleValue() > 0) {
      return Duration.ofMillis((long) (n.doubleValue() * 1000));
    }
    return DEFAULT_TIMEOUT;
  }

  private static Map<String, Object> result(ControlResult r, boolean withTxid) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", r.status());
    m.put("path", r.path().toString());
    if (withTxid) {
      m.put("txid", r.txid());
    }
    return m;
  }

  private Map<String, Object> list() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (DatabaseStatus db : dbs.statuses(false)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", db.path().toString());
      m.put("status", db.running() ? "replicating" : "stopped");
      db.lastSync().ifPresent(t -> m.put("last_sync_at", t.toString()));
      out.add(m);
    }
    return Map.of("databases", out);
  }

  private Map<String, Object> info() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("pid", ProcessHandle.current().pid());
    m.put("uptime_seconds", Duration.between(startedAt, Instant.now()).toSeconds());
    m.put("started_at", startedAt.toString());
    m.put("database_count", dbs.statuses(false).size());
    return m;
  }

  private static Map<String, Object> error(String error, String details) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", error);
    if (details != null) {
      m.put("details", details);
    }
    return m;
  }

  private static byte[] response(int status, Object json) {
    String reason =
        switch (status) {
          case 200 -> "OK";
          case 400 -> "Bad Request";
          case 404 -> "Not Found";
          case 409 -> "Conflict";
          case 504 -> "Gateway Timeout";
          default -> "Internal Server Error";
        };
    return HttpMessage.format(
        "HTTP/1.1 " + status + " " + reason, "application/json", Json.write(json) + "\n");
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing control socket", e);
    }
    try {
      acceptor.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("could not remove control socket {}: {}", path, e.getMessage());
    }
  }
}
