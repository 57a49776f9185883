package io.litestream4j.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test server run as an external process (nats-server, rclone, sshd) on a free loopback port, its
 * output appended to a log file. Exists so each backend's fixture only says how to run its server.
 * Guarantees: {@link #start} returns once the port accepts connections, and fails with the log when
 * the process exits first or does not listen within 30 s; when another process takes the picked
 * port first, it tries again on another (three attempts); {@link #restart()} keeps the port; {@link
 * #stop()} returns once the process is gone (or after 30 s).
 */
public final class LoopbackServerProcess implements AutoCloseable {
  public static final String HOST = "127.0.0.1";

  private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The command line that runs the server on {@code port}; it may write a configuration file first.
   */
  @FunctionalInterface
  public interface Command {
    List<String> forPort(int port) throws IOException;
  }

  private final String name;
  private final Path log;
  private final Command command;
  private final int port;
  private Process process;

  private LoopbackServerProcess(String name, Path log, Command command, int port) {
    this.name = name;
    this.log = log;
    this.command = command;
    this.port = port;
  }

  /** Starts {@code name} (used in messages) on a free loopback port, logging to {@code log}. */
  public static LoopbackServerProcess start(String name, Path log, Command command)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      var server = new LoopbackServerProcess(name, log, command, freePort());
      try {
        server.launch();
        return server;
      } catch (IOException portTaken) {
        server.stop();
        if (attempt == 3) {
          throw portTaken;
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void launch() throws Exception {
    process =
        new ProcessBuilder(command.forPort(port))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      Await.until(
          () -> {
            if (!process.isAlive()) {
              throw new IOException(
                  name + " exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            return accepts();
          },
          LISTEN_TIMEOUT,
          name + " to listen on port " + port);
    } catch (AssertionError e) {
      throw new IOException(e.getMessage());
    }
  }

  /** Whether the port accepts a connection now. */
  public boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  /** The running process (a new one after {@link #restart()}). */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Stops the process, waits until the port is free, and starts it again on the same port. */
  public void restart() throws Exception {
    stop();
    Await.until(() -> !accepts(), LISTEN_TIMEOUT, name + " to stop listening");
    launch();
  }

  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
