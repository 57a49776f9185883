package io.litestream4j.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP server on {@code mcp-addr}: the Model Context Protocol's Streamable HTTP transport at
 * {@code /}, JSON-RPC 2.0 requests in POST bodies, answered with {@code application/json} (no
 * server-initiated streams, so {@code GET} is 405). Methods: {@code initialize}, {@code
 * notifications/*} (202), {@code ping}, {@code tools/list}, {@code tools/call} with the tools of
 * {@link McpTools}. A JSON-RPC batch (array) is answered with an array.
 */
public final class McpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpServer.class);
  static final String DEFAULT_PROTOCOL = "2025-03-26";

  private final HttpServer server;
  private final ExecutorService executor;
  private final McpTools tools;
  private final String version;

  private McpServer(HttpServer server, ExecutorService executor, McpTools tools, String version) {
    this.server = server;
    this.executor = executor;
    this.tools = tools;
    this.version = version;
  }

  public static McpServer start(
      InetSocketAddress bind, CommandRunner runner, Optional<Path> defaultConfig, String version)
      throws IOException {
    HttpServer http = HttpServer.create(bind, 16);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2, Thread.ofPlatform().name("l4j-mcp-", 0).daemon(true).factory());
    McpServer s = new McpServer(http, executor, new McpTools(runner, defaultConfig), version);
    http.createContext("/", s::handle);
    http.setExecutor(executor);
    http.start();
    LOG.info(
        "MCP server (Streamable HTTP) listening on http://{}/",
        OpsHttpServer.display(http.getAddress()));
    return s;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      switch (ex.getRequestMethod()) {
        case "POST" -> post(ex);
        case "DELETE" -> HttpExchanges.send(ex, 200, "text/plain", "");
        default -> {
          ex.getResponseHeaders().set("Allow", "POST, DELETE");
          HttpExchanges.send(
              ex, 405, "text/plain; charset=utf-8", "use POST with a JSON-RPC request\n");
        }
      }
    }
  }

  private void post(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Object req;
    try {
      req = Json.parse(body);
    } catch (IllegalArgumentException e) {
      HttpExchanges.json(ex, 400, error(null, -32700, "Parse error: " + e.getMessage()));
      return;
    }
    if (req instanceof List<?> batch) {
      List<Object> out = new java.util.ArrayList<>();
      for (Object r : batch) {
        Map<String, Object> resp = dispatch(r, ex);
        if (resp != null) {
          out.add(resp);
        }
      }
      if (out.isEmpty()) {
        HttpExchanges.send(ex, 202, "text/plain", "");
      } else {
        HttpExchanges.json(ex, 200, out);
      }
      return;
    }
    Map<String, Object> resp = dispatch(req, ex);
    if (resp == null) {
      HttpExchanges.send(ex, 202, "text/plain", "");
    } else {
      HttpExchanges.json(ex, 200, resp);
    }
  }

  /**
   * @return the response, or null for a notification
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> dispatch(Object r, HttpExchange ex) {
    if (!(r instanceof Map<?, ?> m) || !(m.get("method") instanceof String method)) {
      return error(null, -32600, "Invalid Request: expected a JSON-RPC 2.0 object with a method");
    }
    Object id = m.get("id");
    boolean notification = !m.containsKey("id");
    Map<String, Object> params =
        m.get("params") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
    try {
      Object result =
          switch (method) {
            case "initialize" -> {
              Map<String, Object> res = new LinkedHashMap<>();
              res.put(
                  "protocolVersion",
                  params.get("protocolVersion") instanceof String v ? v : DEFAULT_PROTOCOL);
              res.put("capabilities", Map.of("tools", Map.of("listChanged", false)));
              res.put("serverInfo", Map.of("name", "litestream4j MCP Server", "version", version));
              ex.getResponseHeaders().set("Mcp-Session-Id", UUID.randomUUID().toString());
              yield res;
            }
            case "ping" -> Map.of();
            case "tools/list" -> Map.of("tools", tools.list());
            case "tools/call" -> call(params);
            default -> {
              if (method.startsWith("notifications/")) {
                yield null;
              }
              yield new MethodNotFound(method);
            }
          };
      if (notification) {
        return null;
      }
      if (result instanceof MethodNotFound nf) {
        return error(id, -32601, "Method not found: " + nf.method());
      }
      Map<String, Object> resp = new LinkedHashMap<>();
      resp.put("jsonrpc", "2.0");
      resp.put("id", id);
      resp.put("result", result);
      return resp;
    } catch (IllegalArgumentException e) {
      return notification ? null : error(id, -32602, "Invalid params: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("MCP {} failed", method, e);
      return notification ? null : error(id, -32603, "Internal error: " + e);
    }
  }

  private record MethodNotFound(String method) {}

  @SuppressWarnings("unchecked")
  private Map<String, Object> call(Map<String, Object> params) {
    if (!(params.get("name") instanceof String name)) {
      throw new IllegalArgumentException("tools/call needs a tool name");
    }
    Map<String, Object> args =
        params.get("arguments") instanceof Map<?, ?> a ? (Map<String, Object>) a : Map.of();
    CommandRunner.Result r = tools.call(name, args);
    String text = r.out() + (r.err().isBlank() ? "" : (r.out().isBlank() ? "" : "\n") + r.err());
    Map<String, Object> res = new LinkedHashMap<>();
    res.put("content", List.of(Map.of("type", "text", "text", text)));
    res.put("isError", r.exitCode() != 0);
    return res;
  }

  private static Map<String, Object> error(Object id, int code, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jsonrpc", "2.0");
    m.put("id", id);
    m.put("error", Map.of("code", code, "message", message));
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
