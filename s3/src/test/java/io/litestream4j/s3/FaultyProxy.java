package io.litestream4j.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of an S3 server that breaks connections the way real networks and overloaded
 * providers do, chosen per connection from a seeded random plan:
 *
 * <ul>
 *   <li>{@link Fault#RESET}: forwards normally, then resets the connection (RST) after a random
 *       number of response bytes, often in the middle of a body;
 *   <li>{@link Fault#ERROR_500} and {@link Fault#THROTTLE_429}: answers the first request itself
 *       with that status and an S3 error document, then closes;
 *   <li>{@link Fault#STALL}: forwards normally, but after a random number of response bytes stops
 *       sending for longer than the client's read timeout, then closes.
 * </ul>
 *
 * Faults are only injected while {@link #faulty(boolean)} is on; counts per kind are kept so tests
 * can check that faults really happened.
 */
final class FaultyProxy implements AutoCloseable {

  enum Fault {
    NONE,
    RESET,
    ERROR_500,
    THROTTLE_429,
    STALL
  }

  private final ServerSocket server;
  private final int upstreamPort;
  private final Random random;
  private final double faultRate;
  private final long stallMillis;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "faulty-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();
  private final AtomicLong connections = new AtomicLong();
  private volatile boolean faulty;
  private volatile boolean closed;

  FaultyProxy(int upstreamPort, long seed, double faultRate, long stallMillis) throws IOException {
    this.upstreamPort = upstreamPort;
    this.random = new Random(seed);
    this.faultRate = faultRate;
    this.stallMillis = stallMillis;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    for (Fault f : Fault.values()) {
      injected.put(f, new AtomicInteger());
    }
    pool.execute(this::acceptLoop);
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  void faulty(boolean on) {
    faulty = on;
  }

  int injected(Fault f) {
    return injected.get(f).get();
  }

  int injectedTotal() {
    return injected.entrySet().stream()
        .filter(e -> e.getKey() != Fault.NONE)
        .mapToInt(e -> e.getValue().get())
        .sum();
  }

  long connections() {
    return connections.get();
  }

  private synchronized Fault nextFault() {
    if (!faulty || random.nextDouble() >= faultRate) {
      return Fault.NONE;
    }
    return switch (random.nextInt(10)) {
      case 0, 1, 2, 3 -> Fault.RESET;
      case 4, 5 -> Fault.ERROR_500;
      case 6, 7 -> Fault.THROTTLE_429;
      default -> Fault.STALL;
    };
  }

  private synchronized int nextInt(int bound) {
    return random.nextInt(bound);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        Fault fault = nextFault();
        injected.get(fault).incrementAndGet();
        pool.execute(() -> handle(client, fault));
      } catch (IOException e) {
        if (!closed) {
          e.printStackTrace();
        }
      }
    }
  }

  private void handle(Socket client, Fault fault) {
    try (client) {
      switch (fault) {
        case ERROR_500 ->
            answer(client, 500, "Internal Server Error", "InternalError", "injected failure");
        case THROTTLE_429 ->
            answer(client, 429, "Too Many Requests", "SlowDown", "injected throttling");
        default -> pipe(client, fault);
      }
    } catch (IOException ignored) {
      // the fault, or the client giving up on it
    }
  }

  private static void answer(Socket client, int status, String reason, String code, String message)
      throws IOException {
    if (readHead(client.getInputStream()) == null) {
      return;
    }
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + code
                + "</Code><Message>"
                + message
                + "</Message><RequestId>injected</RequestId></Error>")
            .getBytes(StandardCharsets.UTF_8);
    OutputStream out = client.getOutputStream();
    out.write(
        ("HTTP/1.1 "
                + status
                + " "
                + reason
                + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  /**
   * Forwards one request: its head gets {@code Connection: close}, so the server ends the
   * connection after the response and the client's next request comes on a new connection, with a
   * new roll of the dice.
   */
  private void pipe(Socket client, Fault fault) throws IOException {
    try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      byte[] head = readHead(client.getInputStream());
      if (head == null) {
        return;
      }
      upstream.getOutputStream().write(withConnectionClose(head));
      pool.execute(() -> copy(client, upstream, Long.MAX_VALUE, Fault.NONE));
      long breakAfter =
          fault == Fault.NONE ? Long.MAX_VALUE : nextInt(fault == Fault.STALL ? 20_000 : 60_000);
      copy(upstream, client, breakAfter, fault);
    }
  }

  private static byte[] readHead(InputStream in) throws IOException {
    var head = new java.io.ByteArrayOutputStream();
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : b == end[0] ? 1 : 0;
    }
    return head.toByteArray();
  }

  private static byte[] withConnectionClose(byte[] head) {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    var sb = new StringBuilder();
    for (String line : text.substring(0, text.length() - 4).split("\r\n", -1)) {
      if (!line.regionMatches(true, 0, "Connection:", 0, 11)) {
        sb.append(line).append("\r\n");
      }
    }
    sb.append("Connection: close\r\n\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private void copy(Socket from, Socket to, long breakAfter, Fault fault) {
    byte[] buf = new byte[8192];
    long sent = 0;
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          to.shutdownOutput();
          return;
        }
        if (sent + n > breakAfter) {
          int head = (int) (breakAfter - sent);
          out.write(buf, 0, head);
          out.flush();
          if (fault == Fault.STALL) {
            Thread.sleep(stallMillis);
          } else {
            to.setSoLinger(true, 0); // close with RST
          }
          to.close();
          from.close();
          return;
        }
        out.write(buf, 0, n);
        out.flush();
        sent += n;
      }
    } catch (IOException | InterruptedException e) {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // already broken
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    pool.shutdownNow();
  }
}
