package io.litestream4j.server;

import java.net.InetSocketAddress;

/**
 * A Go-style listen address ({@code :9090}, {@code 127.0.0.1:9090}, {@code [::1]:9090}) as used by
 * Litestream's {@code addr} and {@code mcp-addr}. An empty host binds every interface.
 */
public final class ListenAddress {
  private ListenAddress() {}

  public static InetSocketAddress parse(String key, String addr) {
    int colon = addr.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          key + ": listen address must include a port, e.g. \":9090\" (got \"" + addr + "\")");
    }
    String host = addr.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(addr.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + ": invalid port in \"" + addr + "\"; use host:port such as \":9090\"");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + ": port out of range in \"" + addr + "\"");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
