package io.litestream4j.sftp;

import io.litestream4j.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH {@code sshd} (Debian package {@code openssh-server}) serving SFTP on a loopback
 * port for the tests: temporary host and user keys, public key login as the current user, and
 * {@code Subsystem sftp internal-sftp}. It runs in the foreground ({@code -D}), so it belongs to
 * the test; {@link #killSessions()} drops every open connection while the listener stays up, and
 * {@link #restart()} stops everything and starts again on the same port with the same keys.
 *
 * <p>Tests are skipped with a message naming the package when {@code sshd} is not installed.
 */
public final class OpenSshServer implements AutoCloseable {

  public static final Path SSHD = Path.of("/usr/sbin/sshd");

  private final Path dir;
  private final Path hostKey;
  private final Path userKey;
  private final int port;
  private Process process;

  private OpenSshServer(Path dir, Path hostKey, Path userKey, int port) {
    this.dir = dir;
    this.hostKey = hostKey;
    this.userKey = userKey;
    this.port = port;
  }

  /** Starts a server with fresh keys in a new directory under {@code parent}. */
  public static OpenSshServer start(Path parent) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(SSHD) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
        "OpenSSH sshd is not installed: install the Debian package openssh-server (scripts/test-packages.txt)");
    Path privsep = Path.of("/run/sshd");
    if (!Files.isDirectory(privsep)) {
      try {
        Files.createDirectories(privsep); // what the Debian service unit would create
      } catch (IOException e) {
        Assumptions.abort("sshd needs its privilege separation directory /run/sshd: " + e);
      }
    }
    Path dir = Files.createTempDirectory(parent, "sshd-");
    Path hostKey = dir.resolve("host_ed25519");
    Path userKey = dir.resolve("user_ed25519");
    keygen(hostKey);
    keygen(userKey);
    Files.copy(dir.resolve("user_ed25519.pub"), dir.resolve("authorized_keys"));
    for (int attempt = 1; ; attempt++) {
      var server = new OpenSshServer(dir, hostKey, userKey, freePort());
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

  private static void keygen(Path key) throws Exception {
    Process p = new ProcessBuilder("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "l4j-test",
        "-f", key.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void launch() throws Exception {
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n", List.of(
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostKey,
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "StrictModes no",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "MaxStartups 100",
        "Subsystem sftp internal-sftp",
        "LogLevel ERROR")) + "\n");
    process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    try {
      Await.until(() -> {
        if (!process.isAlive()) {
          throw new IOException("sshd exited with " + process.exitValue() + ": " + Files.readString(dir.resolve("sshd.log")));
        }
        return accepts();
      }, Duration.ofSeconds(30), "sshd to listen on port " + port);
    } catch (AssertionError e) {
      throw new IOException(e.getMessage());
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  public String user() {
    return System.getProperty("user.name");
  }

  public Path userKey() {
    return userKey;
  }

  /** The server's public host key line, as {@code ssh-keyscan} prints it (without the host). */
  public String hostKeyLine() throws IOException {
    return Files.readString(dir.resolve("host_ed25519.pub")).strip();
  }

  /** Settings for a replica at {@code path} logging in with the test user key and pinning the host key. */
  public SftpSettings settings(String path) throws IOException {
    return SftpSettings.of("127.0.0.1", port, user(), path).withKeyPath(userKey.toString())
        .withHostKey(SftpHostKey.parse(hostKeyLine()));
  }

  /** Kills every per-connection sshd process: all clients lose their connections; the listener stays. */
  public int killSessions() {
    List<ProcessHandle> sessions = process.toHandle().descendants().toList();
    sessions.forEach(ProcessHandle::destroyForcibly);
    return sessions.size();
  }

  /** Stops the server and its sessions, then starts it again on the same port. */
  public void restart() throws Exception {
    stop();
    Await.until(() -> !accepts(), Duration.ofSeconds(30), "sshd to stop listening");
    launch();
  }

  /** Stops the server and every session. */
  public void stop() throws InterruptedException, IOException {
    if (process == null) {
      return;
    }
    // Freeze the listener first: a connection accepted between listing the session processes and
    // killing the listener would otherwise get a session process that outlives the "stopped" server.
    Process freeze = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).redirectErrorStream(true).start();
    freeze.getInputStream().readAllBytes();
    freeze.waitFor(30, TimeUnit.SECONDS);
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException, IOException {
    stop();
  }
}
