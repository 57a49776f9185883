package io.litestream4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that makes an HTTP server look far away: every new connection and every
 * request on a connection waits one round trip before it is forwarded. A request is recognised as
 * the first bytes the client sends after the server's last reply bytes (HTTP/1.1 keeps one request
 * in flight per connection), so a client that downloads N files one after the other pays N round
 * trips and one that downloads them on N connections at once pays about one. Replies are forwarded
 * as they come. What it counts ({@link #requests()}) lets a benchmark say how many round trips a
 * command needed.
 */
final class LatencyProxy implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final ServerSocket server;
  private final URI upstream;
  private final long delayMillis;
  private final ExecutorService threads =
      Executors.newThreadPerTaskExecutor(
          Thread.ofPlatform().name("bench-latency-proxy-", 0).daemon(true).factory());
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();

  private LatencyProxy(ServerSocket server, URI upstream, Duration roundTrip) {
    this.server = server;
    this.upstream = upstream;
    this.delayMillis = roundTrip.toMillis();
  }

  /** Starts a proxy on a free loopback port in front of {@code upstream} (http://host:port). */
  static LatencyProxy start(URI upstream, Duration roundTrip) throws IOException {
    ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    LatencyProxy proxy = new LatencyProxy(server, upstream, roundTrip);
    proxy.threads.execute(proxy::acceptLoop);
    return proxy;
  }

  /** The proxy's endpoint, to use instead of the upstream's. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Requests forwarded so far (each one delayed by a round trip). */
  long requests() {
    return requests.get();
  }

  /** Connections accepted so far (each one delayed by a round trip for its handshake). */
  long connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    sockets.add(client);
    Socket up = null;
    try (client) {
      up = new Socket(upstream.getHost(), upstream.getPort());
      sockets.add(up);
      client.setTcpNoDelay(true);
      up.setTcpNoDelay(true);
      pause(); // the connection's own handshake
      AtomicBoolean replied = new AtomicBoolean(true);
      Socket remote = up;
      threads.execute(() -> pump(remote, client, replied));
      byte[] buf = new byte[BUFFER];
      InputStream in = client.getInputStream();
      OutputStream out = up.getOutputStream();
      int n;
      while ((n = in.read(buf)) > 0) {
        if (replied.getAndSet(false)) {
          requests.incrementAndGet();
          pause();
        }
        out.write(buf, 0, n);
        out.flush();
      }
      up.shutdownOutput();
    } catch (IOException | InterruptedException e) {
      // the client or the server went away: the connection ends like a real one would
    } finally {
      sockets.remove(client);
      if (up != null) {
        sockets.remove(up);
        closeQuietly(up);
      }
    }
  }

  private static void pump(Socket from, Socket to, AtomicBoolean replied) {
    byte[] buf = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
        replied.set(true);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      // the other side closed
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  private void pause() throws InterruptedException {
    Thread.sleep(delayMillis);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    threads.shutdownNow();
  }
}
