package io.litestream4j.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH sessions and SFTP channels of one sftp replica.
 *
 * <p>A JSch SFTP channel serves one caller at a time, and replication and restore run several
 * transfers at once (parallel downloads, a compaction reading many files), so callers borrow a
 * channel for one operation or one open download and give it back. Channels are multiplexed over
 * sessions, at most {@link #CHANNELS_PER_SESSION} per session (OpenSSH's {@code MaxSessions}
 * default is 10); more concurrent users get another session.
 *
 * <p>Guarantees: a session is only opened with the configured dial timeout applied to the TCP
 * connect, the SSH handshake and authentication together; the server key is checked against {@code
 * host-key} when one is configured, and a warning is logged once otherwise; a channel given back as
 * broken takes its whole session down, so the next borrower connects afresh instead of finding
 * another dead channel of the same connection; keepalives detect a silently dead server within
 * about 45 s. {@link #close()} disconnects everything and always returns. Thread-safe.
 */
final class SftpConnections implements AutoCloseable {

  static final int CHANNELS_PER_SESSION = 8;
  private static final int KEEPALIVE_MILLIS = 15_000;
  private static final int KEEPALIVE_MAX_MISSED = 3;
  private static final int BULK_REQUESTS = 16;

  private static final Logger LOG = LoggerFactory.getLogger(SftpConnections.class);

  /** A borrowed channel and the session it belongs to. */
  record Lease(ChannelSftp channel, Session session) {
    boolean healthy() {
      return session.isConnected() && channel.isConnected() && !channel.isClosed();
    }
  }

  private final SftpSettings settings;
  private final PinnedHostKeys hostKeys;
  private final Object lock = new Object();
  private final Object connectLock = new Object();
  private final List<Session> sessions = new ArrayList<>();
  private final java.util.Map<Session, Integer> channelsOpen = new java.util.IdentityHashMap<>();
  private final ArrayDeque<Lease> idle = new ArrayDeque<>();
  private JSch jsch;
  private boolean warnedUnverified;
  private boolean closed;
  private long sessionsOpened;

  SftpConnections(SftpSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.hostKeys = new PinnedHostKeys(settings.hostKey());
  }

  /** How many SSH sessions were opened so far (reconnects included). */
  long sessionsOpened() {
    synchronized (lock) {
      return sessionsOpened;
    }
  }

  /** A connected channel, opening a session if none has room. */
  Lease borrow() throws IOException {
    while (true) {
      Session withRoom = null;
      synchronized (lock) {
        checkOpen();
        while (!idle.isEmpty()) {
          Lease l = idle.pollFirst();
          if (l.healthy()) {
            return l;
          }
          forget(l);
        }
        for (Session s : sessions) {
          if (s.isConnected() && channelsOpen.getOrDefault(s, 0) < CHANNELS_PER_SESSION) {
            withRoom = s;
            channelsOpen.merge(s, 1, Integer::sum);
            break;
          }
        }
      }
      if (withRoom == null) {
        addSession();
        continue;
      }
      try {
        return new Lease(openChannel(withRoom), withRoom);
      } catch (JSchException e) {
        synchronized (lock) {
          channelsOpen.merge(withRoom, -1, Integer::sum);
        }
        if (withRoom.isConnected() && !SftpErrors.isConnectionLost(e)) {
          throw new IOException(
              "sftp: cannot open an sftp channel to "
                  + settings.location()
                  + ": "
                  + e.getMessage()
                  + "; check that the server enables the sftp subsystem",
              e);
        }
        drop(withRoom);
        // the session died under us: try again on a new one
      }
    }
  }

  /**
   * Gives a channel back. A {@code broken} one (its operation failed as if the connection were
   * lost) is closed with its session.
   */
  void release(Lease lease, boolean broken) {
    boolean keep;
    synchronized (lock) {
      keep = !broken && !closed && lease.healthy();
      if (keep) {
        idle.addFirst(lease);
      }
    }
    if (!keep) {
      lease.channel().disconnect();
      synchronized (lock) {
        forget(lease);
      }
      if (broken) {
        drop(lease.session());
      }
    }
  }

  private void forget(Lease l) {
    channelsOpen.computeIfPresent(l.session(), (s, n) -> n - 1);
    if (!l.session().isConnected()) {
      sessions.remove(l.session());
      channelsOpen.remove(l.session());
    }
  }

  private void drop(Session s) {
    s.disconnect();
    synchronized (lock) {
      sessions.remove(s);
      channelsOpen.remove(s);
      idle.removeIf(l -> l.session() == s);
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("sftp replica " + settings.location() + " is closed");
    }
  }

  private ChannelSftp openChannel(Session s) throws JSchException {
    ChannelSftp channel = (ChannelSftp) s.openChannel("sftp");
    channel.connect(timeoutMillis());
    channel.setBulkRequests(settings.concurrentWrites() ? BULK_REQUESTS : 1);
    return channel;
  }

  private int timeoutMillis() {
    return (int) Math.min(Integer.MAX_VALUE, settings.dialTimeout().toMillis());
  }

  private void addSession() throws IOException {
    synchronized (connectLock) {
      synchronized (lock) {
        checkOpen();
        for (Session s : sessions) {
          if (s.isConnected() && channelsOpen.getOrDefault(s, 0) < CHANNELS_PER_SESSION) {
            return; // someone else connected meanwhile
          }
        }
      }
      Session s = connect();
      synchronized (lock) {
        if (closed) {
          s.disconnect();
          checkOpen();
        }
        sessions.add(s);
        channelsOpen.put(s, 0);
        sessionsOpened++;
      }
    }
  }

  private Session connect() throws IOException {
    String where = settings.location();
    Session session;
    try {
      session = jsch().getSession(settings.user(), settings.host(), settings.port());
    } catch (JSchException e) {
      throw new IOException(
          "sftp: cannot set up a session for " + where + ": " + e.getMessage(), e);
    }
    settings.password().ifPresent(session::setPassword);
    session.setHostKeyRepository(hostKeys);
    session.setConfig("StrictHostKeyChecking", settings.hostKey().isPresent() ? "yes" : "no");
    settings.hostKey().ifPresent(k -> session.setConfig("server_host_key", k.algorithms()));
    session.setConfig("PreferredAuthentications", "publickey,password");
    session.setDaemonThread(true);
    if (settings.hostKey().isEmpty()) {
      warnUnverified();
    }
    try {
      session.setServerAliveCountMax(KEEPALIVE_MAX_MISSED);
      session.connect(timeoutMillis());
      session.setServerAliveInterval(KEEPALIVE_MILLIS);
    } catch (JSchException e) {
      session.disconnect();
      throw explainConnect(e);
    }
    LOG.atDebug().addKeyValue("replica", where).log("connected ({})", session.getServerVersion());
    return session;
  }

  private IOException explainConnect(JSchException e) {
    String where = settings.location();
    String m = String.valueOf(e.getMessage());
    if (e.getCause() instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
      return new InterruptedIOException("sftp: interrupted while connecting to " + where);
    }
    if (m.contains("HostKey has been changed")
        || m.contains("reject HostKey")
        || m.contains("Algorithm negotiation fail") && settings.hostKey().isPresent()) {
      return new IOException(
          "sftp: the server "
              + settings.host()
              + ":"
              + settings.port()
              + " did not present the configured host-key "
              + settings.hostKey().map(Object::toString).orElse("")
              + hostKeys.lastOfferedFingerprint().map(f -> " (it presented " + f + ")").orElse("")
              + ": refusing to connect; if the server's key really changed, update host-key (ssh-keyscan -t "
              + settings.hostKey().map(SftpHostKey::type).orElse("ed25519")
              + " "
              + settings.host()
              + ")",
          e);
    }
    if (m.contains("Auth fail") || m.contains("Auth cancel")) {
      return new IOException(
          "sftp: authentication as '"
              + settings.user()
              + "' failed on "
              + settings.host()
              + ":"
              + settings.port()
              + ": check password and key-path ("
              + (settings.password().isPresent() ? "password set" : "no password")
              + ", "
              + settings.keyPath().map(k -> "key " + k).orElse("no key-path")
              + ")",
          e);
    }
    if (m.contains("timeout") || m.contains("timed out")) {
      return new IOException(
          "sftp: cannot connect to "
              + settings.host()
              + ":"
              + settings.port()
              + " within "
              + settings.dialTimeout().toMillis()
              + " ms: "
              + m
              + "; check the host, the port and any firewall",
          e);
    }
    return new IOException(
        "sftp: cannot connect to "
            + settings.host()
            + ":"
            + settings.port()
            + ": "
            + m
            + "; check that the server is running and reachable",
        e);
  }

  private synchronized JSch jsch() throws IOException {
    if (jsch == null) {
      JSch j = new JSch();
      j.setInstanceLogger(JschLogging.INSTANCE);
      if (settings.keyPath().isPresent()) {
        String key = settings.keyPath().get();
        if (!Files.isReadable(Path.of(key))) {
          throw new IOException("sftp: cannot read key-path " + key + ": no such readable file");
        }
        try {
          j.addIdentity(key);
        } catch (JSchException e) {
          throw new IOException(
              "sftp: cannot load the private key in key-path "
                  + key
                  + ": "
                  + e.getMessage()
                  + " (an unencrypted OpenSSH, PEM or PuTTY key is expected)",
              e);
        }
      }
      jsch = j;
    }
    return jsch;
  }

  private void warnUnverified() {
    synchronized (lock) {
      if (warnedUnverified) {
        return;
      }
      warnedUnverified = true;
    }
    LOG.atWarn()
        .addKeyValue("replica", settings.location())
        .log(
            "sftp host key not verified for {}:{}: anyone who can intercept the connection can"
                + " read and alter the replica; set host-key to the server's public key, e.g. the"
                + " output of 'ssh-keyscan -t ed25519 {}'",
            settings.host(),
            settings.port(),
            settings.host());
  }

  @Override
  public void close() {
    List<Session> all;
    synchronized (lock) {
      closed = true;
      all = List.copyOf(sessions);
      idle.forEach(l -> l.channel().disconnect());
      idle.clear();
      sessions.clear();
      channelsOpen.clear();
    }
    all.forEach(Session::disconnect);
  }
}
