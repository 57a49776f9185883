package io.litestream4j.server;

import io.litestream4j.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code replicate} runs beside replication, started from the config's {@code addr},
 * {@code socket}, {@code heartbeat-url} and {@code mcp-addr}: metrics and status page, control
 * socket, heartbeat, MCP server. A service that cannot start is an error (a port in use, a
 * non-socket file at {@code socket.path}), named in the message; {@link #close()} stops whatever
 * was started, in reverse order, and always returns.
 */
public final class OpsServices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpsServices.class);

  private final List<AutoCloseable> started = new ArrayList<>();
  private OpsHttpServer http;
  private McpServer mcp;
  private ControlSocketServer socket;

  private OpsServices() {}

  /**
   * @param configPath the config file {@code replicate} read, the MCP tools' default {@code
   *     -config}
   */
  public static OpsServices start(
      Config config,
      DatabaseRegistry dbs,
      OpsMetrics metrics,
      CommandRunner runner,
      Optional<Path> configPath,
      String version)
      throws IOException {
    OpsServices s = new OpsServices();
    try {
      if (config.addr().isPresent()) {
        s.http =
            bind(
                "addr",
                config.addr().get(),
                a -> OpsHttpServer.start(a, dbs, metrics, version, Clock.systemUTC()));
        s.started.add(s.http);
      }
      if (config.socket().enabled()) {
        s.socket = ControlSocketServer.start(config.socket(), dbs, version, Instant.now());
        s.started.add(s.socket);
      }
      if (config.heartbeatUrl().isPresent()) {
        s.started.add(
            Heartbeat.start(config.heartbeatUrl().get(), config.heartbeatInterval(), dbs::running));
      }
      if (config.mcpAddr().isPresent()) {
        s.mcp =
            bind(
                "mcp-addr",
                config.mcpAddr().get(),
                a -> McpServer.start(a, runner, configPath, version));
        s.started.add(s.mcp);
      }
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private interface Binder<T> {
    T bind(java.net.InetSocketAddress address) throws IOException;
  }

  /**
   * Binds a server, naming the config key and address when that fails (e.g. the port is in use).
   */
  private static <T> T bind(String key, String addr, Binder<T> binder) throws IOException {
    try {
      return binder.bind(ListenAddress.parse(key, addr));
    } catch (java.net.BindException e) {
      throw new IOException(
          key
              + ": cannot listen on \""
              + addr
              + "\": "
              + e.getMessage()
              + " (is another replicator running? choose another port)",
          e);
    }
  }

  public Optional<OpsHttpServer> http() {
    return Optional.ofNullable(http);
  }

  public Optional<McpServer> mcp() {
    return Optional.ofNullable(mcp);
  }

  public Optional<ControlSocketServer> socket() {
    return Optional.ofNullable(socket);
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", started.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    started.clear();
  }
}
