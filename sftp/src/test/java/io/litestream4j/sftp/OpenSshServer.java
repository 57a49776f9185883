package io.litestream4j.sftp;

import io.litestream4j.testing.LoopbackServerProcess;
import io.litestream4j.testing.RestartableServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
public final class OpenSshServer implements RestartableServer {

  public static final Path SSHD = Path.of("/usr/sbin/sshd");

  private final Path dir;
  private final Path userKey;
  private final LoopbackServerProcess server;

  private OpenSshServer(Path dir, Path userKey, LoopbackServerProcess server) {
    this.dir = dir;
    this.userKey = userKey;
    this.server = server;
  }

  /** Starts a server with fresh keys in a new directory under {@code parent}. */
  public static OpenSshServer start(Path parent) throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(SSHD) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
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
    var server =
        LoopbackServerProcess.start(
            "sshd",
            dir.resolve("sshd.log"),
            port -> {
              Path config = dir.resolve("sshd_config");
              Files.writeString(
                  config,
                  String.join(
                          "\n",
                          List.of(
                              "Port " + port,
                              "ListenAddress " + LoopbackServerProcess.HOST,
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
                              "LogLevel ERROR"))
                      + "\n");
              return List.of(SSHD.toString(), "-D", "-e", "-f", config.toString());
            });
    return new OpenSshServer(dir, userKey, server);
  }

  private static void keygen(Path key) throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "l4j-test",
                "-f",
                key.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + out);
    }
  }

  @Override
  public String name() {
    return server.name();
  }

  public int port() {
    return server.port();
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

  /**
   * Settings for a replica at {@code path} logging in with the test user key and pinning the host
   * key.
   */
  public SftpSettings settings(String path) throws IOException {
    return SftpSettings.of(LoopbackServerProcess.HOST, port(), user(), path)
        .withKeyPath(userKey.toString())
        .withHostKey(SftpHostKey.parse(hostKeyLine()));
  }

  /**
   * Kills every per-connection sshd process: all clients lose their connections; the listener
   * stays.
   */
  public int killSessions() {
    List<ProcessHandle> sessions = server.handle().descendants().toList();
    sessions.forEach(ProcessHandle::destroyForcibly);
    return sessions.size();
  }

  /** Stops the server and its sessions, then starts it again on the same port. */
  @Override
  public void restart() throws Exception {
    stop();
    server.restart();
  }

  /** Stops the server and every session. */
  @Override
  public void stop() throws InterruptedException, IOException {
    // Freeze the listener first: a connection accepted between listing the session processes and
    // killing the listener would otherwise get a session process that outlives the "stopped"
    // server.
    Process freeze =
        new ProcessBuilder("kill", "-STOP", Long.toString(server.handle().pid()))
            .redirectErrorStream(true)
            .start();
    freeze.getInputStream().readAllBytes();
    freeze.waitFor(30, TimeUnit.SECONDS);
    server.handle().descendants().forEach(ProcessHandle::destroyForcibly);
    server.stop();
  }

  @Override
  public void close() throws InterruptedException, IOException {
    stop();
  }
}
