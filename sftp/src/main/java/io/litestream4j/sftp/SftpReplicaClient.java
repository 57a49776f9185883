package io.litestream4j.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import io.litestream4j.internal.UploadCopy;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.replica.LtxFileInfo;
import io.litestream4j.replica.LtxFileNotFoundException;
import io.litestream4j.replica.LtxHeaderPeek;
import io.litestream4j.replica.LtxHeaderTimestamps;
import io.litestream4j.replica.LtxListing;
import io.litestream4j.replica.ReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica in a directory on an SSH server, laid out exactly as Litestream's sftp backend: {@code
 * <path>/ltx/<level in decimal>/<min>-<max>.ltx}, each file's modification time set to its LTX
 * header timestamp. SFTP keeps whole seconds, so listings report those, and {@link
 * #ltxFilesWithExactTimestamps} reads the exact time from each file's header.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>A file is uploaded under a temporary name ({@code <name>.<random>.tmp}, never listed), its
 *       modification time set, and then renamed into place, so readers see it whole or not at all.
 *       OpenSSH renames over an existing file atomically ({@code posix-rename@openssh.com}); on a
 *       server whose plain SFTP v3 rename refuses to replace a file, the old file is removed first
 *       and the rename repeated. A failed upload removes its temporary file when it still can.
 *   <li>An operation that fails because the connection dropped (server restarted, session killed,
 *       network cut) is retried once on a new connection; a download that breaks mid-way surfaces
 *       as a read error, which {@link io.litestream4j.replica.ResumableInputStream} resumes at its
 *       offset. Every connection attempt is bounded by the dial timeout.
 *   <li>The server key is verified against {@code host-key}; without it a warning says the
 *       connection is not verified.
 *   <li>No message or log line contains the password.
 * </ul>
 *
 * <p>Connects lazily on first use (or {@link #init()}). Thread-safe.
 */
public final class SftpReplicaClient implements ReplicaClient {

  public static final String TYPE = "sftp";

  private static final Logger LOG = LoggerFactory.getLogger(SftpReplicaClient.class);
  private static final int COPY_BUFFER = 32 * 1024;
  private static final int MAX_ATTEMPTS = 2;

  private final SftpSettings settings;
  private final SftpConnections connections;
  private final Set<String> knownDirs = ConcurrentHashMap.newKeySet();

  public SftpReplicaClient(SftpSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.connections = new SftpConnections(settings);
  }

  public SftpSettings settings() {
    return settings;
  }

  /** How many SSH sessions this client opened so far, reconnects included. */
  public long sessionsOpened() {
    return connections.sessionsOpened();
  }

  /** The directory of {@code level}: {@code <path>/ltx/<level>}. */
  public String levelDir(int level) {
    LtxFileInfo.checkLevel(level);
    return join(settings.path(), "ltx/" + level);
  }

  /** The server path of an LTX file. */
  public String ltxPath(int level, long minTxid, long maxTxid) {
    String dir = levelDir(level);
    LtxFileInfo.checkTxids(minTxid, maxTxid);
    return dir + "/" + LtxFileName.format(minTxid, maxTxid);
  }

  private static String join(String base, String rest) {
    if (base.isEmpty()) {
      return rest;
    }
    return base.endsWith("/") ? base + rest : base + "/" + rest;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void init() throws IOException {
    call(
        "connect to",
        settings.location(),
        ch -> {
          ch.pwd();
          return null;
        });
  }

  @Override
  public List<LtxFileInfo> ltxFiles(int level, long seekTxid) throws IOException {
    String dir = levelDir(level);
    return call(
        "list",
        dir,
        ch -> {
          Vector<ChannelSftp.LsEntry> entries;
          try {
            entries = ch.ls(dir);
          } catch (SftpException e) {
            if (SftpErrors.isNoSuchFile(e)) {
              return List.of();
            }
            throw e;
          }
          var files = new LtxListing(level, seekTxid);
          for (ChannelSftp.LsEntry entry : entries) {
            Optional<LtxFileName> name = files.match(entry.getFilename());
            SftpATTRS attrs = entry.getAttrs();
            if (name.isPresent() && !attrs.isDir()) {
              files.add(
                  name.get(),
                  attrs.getSize(),
                  Instant.ofEpochSecond(Integer.toUnsignedLong(attrs.getMTime())));
            }
          }
          return files.sorted();
        });
  }

  /**
   * Lists like {@link #ltxFiles}, then reads each file's LTX header for its exact timestamp: SFTP
   * keeps modification times in whole seconds only.
   */
  @Override
  public List<LtxFileInfo> ltxFilesWithExactTimestamps(int level, long seekTxid)
      throws IOException {
    return LtxHeaderTimestamps.read(
        this, ltxFiles(level, seekTxid), SftpConnections.CHANNELS_PER_SESSION);
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    LtxFileInfo.checkRange(offset, length);
    String file = ltxPath(level, minTxid, maxTxid);
    for (int attempt = 1; ; attempt++) {
      SftpConnections.Lease lease = connections.borrow();
      try {
        SftpATTRS attrs;
        try {
          attrs = lease.channel().stat(file);
        } catch (SftpException e) {
          if (SftpErrors.isNoSuchFile(e)) {
            connections.release(lease, false);
            throw new LtxFileNotFoundException(
                settings.location() + " " + file,
                level,
                minTxid,
                maxTxid,
                "no such LTX file on the sftp replica");
          }
          throw e;
        }
        if (offset >= attrs.getSize()) {
          connections.release(lease, false);
          return InputStream.nullInputStream();
        }
        InputStream in = lease.channel().get(file, null, offset);
        return new SftpDownload(in, length, lease, connections, settings.location() + " " + file);
      } catch (SftpException e) {
        boolean lost = SftpErrors.isConnectionLost(e) || !lease.healthy();
        connections.release(lease, lost);
        if (lost && attempt < MAX_ATTEMPTS) {
          LOG.atInfo()
              .addKeyValue("replica", settings.location())
              .log("connection lost while opening {}; reconnecting", file);
          continue;
        }
        throw SftpErrors.explain("read", file + " on " + settings.location(), e);
      } catch (RuntimeException e) {
        connections.release(lease, true);
        throw e;
      }
    }
  }

  @Override
  public LtxFileInfo writeLtxFile(int level, long minTxid, long maxTxid, InputStream data)
      throws IOException {
    String target = ltxPath(level, minTxid, maxTxid);
    LtxHeaderPeek peek = LtxHeaderPeek.read(data, level, minTxid, maxTxid);
    var source = new CountingSource(peek.stream());
    for (int attempt = 1; ; attempt++) {
      try {
        return upload(level, minTxid, maxTxid, target, peek.timestamp(), source);
      } catch (ConnectionLostBeforeUpload e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw e.getCause();
        }
        LOG.atInfo()
            .addKeyValue("replica", settings.location())
            .log("connection lost before uploading {}; reconnecting", target);
      }
    }
  }

  private LtxFileInfo upload(
      int level,
      long minTxid,
      long maxTxid,
      String target,
      Instant timestamp,
      CountingSource source)
      throws IOException {
    String temp =
        target + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp";
    SftpConnections.Lease lease = connections.borrow();
    boolean broken = false;
    boolean published = false;
    try {
      ensureDirectory(lease.channel(), levelDir(level));
      long size;
      try (OutputStream out =
          lease
              .channel()
              .put(temp, (com.jcraft.jsch.SftpProgressMonitor) null, ChannelSftp.OVERWRITE)) {
        size = UploadCopy.copy(source, out, COPY_BUFFER);
      }
      lease
          .channel()
          .setMtime(
              temp, (int) Math.min(Integer.MAX_VALUE, Math.max(0, timestamp.getEpochSecond())));
      rename(lease.channel(), temp, target);
      published = true;
      return new LtxFileInfo(level, minTxid, maxTxid, size, timestamp);
    } catch (UploadCopy.SourceFailure e) {
      throw e.getCause();
    } catch (SftpException | IOException e) {
      broken = SftpErrors.isConnectionLost(e) || !lease.healthy();
      IOException explained =
          SftpErrors.explain("upload", target + " to " + settings.location(), e);
      if (broken && source.consumed() == 0) {
        throw new ConnectionLostBeforeUpload(explained);
      }
      // Part of the source is consumed, so the upload cannot be repeated here: the caller
      // (replication's retry loop) sends the file again.
      throw explained;
    } finally {
      if (!published && !broken && lease.healthy()) {
        try {
          lease.channel().rm(temp);
        } catch (SftpException ignored) {
          // Never created, or gone: temporary names are never listed either way.
        }
      }
      connections.release(lease, broken);
    }
  }

  /** Renames over an existing target: atomic with OpenSSH; remove-then-rename where v3 refuses. */
  private void rename(ChannelSftp ch, String from, String to) throws SftpException {
    try {
      ch.rename(from, to);
    } catch (SftpException e) {
      if (SftpErrors.isConnectionLost(e) || !exists(ch, to)) {
        throw e;
      }
      LOG.atDebug()
          .addKeyValue("replica", settings.location())
          .log("the server refuses to rename over an existing file; replacing {}", to);
      ch.rm(to);
      ch.rename(from, to);
    }
  }

  private static boolean exists(ChannelSftp ch, String path) throws SftpException {
    try {
      ch.lstat(path);
      return true;
    } catch (SftpException e) {
      if (SftpErrors.isNoSuchFile(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Creates {@code dir} and its missing parents; remembers directories known to exist. */
  private void ensureDirectory(ChannelSftp ch, String dir) throws SftpException {
    if (knownDirs.contains(dir)) {
      return;
    }
    var missing = new ArrayList<String>();
    String d = dir;
    while (!d.isEmpty() && !d.equals("/") && !knownDirs.contains(d)) {
      try {
        if (ch.stat(d).isDir()) {
          break;
        }
      } catch (SftpException e) {
        if (!SftpErrors.isNoSuchFile(e)) {
          throw e;
        }
      }
      missing.add(d);
      int slash = d.lastIndexOf('/');
      d = slash <= 0 ? "" : d.substring(0, slash);
    }
    for (int i = missing.size() - 1; i >= 0; i--) {
      try {
        ch.mkdir(missing.get(i));
      } catch (SftpException e) {
        if (!exists(ch, missing.get(i))) { // created concurrently is fine
          throw e;
        }
      }
    }
    knownDirs.add(dir);
  }

  @Override
  public void deleteLtxFiles(Collection<LtxFileInfo> files) throws IOException {
    for (LtxFileInfo info : files) {
      String file = ltxPath(info.level(), info.minTxid(), info.maxTxid());
      call(
          "delete",
          file,
          ch -> {
            try {
              ch.rm(file);
            } catch (SftpException e) {
              if (!SftpErrors.isNoSuchFile(e)) {
                throw e;
              }
            }
            return null;
          });
    }
  }

  @Override
  public void deleteAll() throws IOException {
    String root = settings.path().isEmpty() ? "ltx" : settings.path();
    call(
        "delete",
        root,
        ch -> {
          deleteTree(ch, root);
          return null;
        });
    knownDirs.clear();
  }

  private static void deleteTree(ChannelSftp ch, String dir) throws SftpException {
    Vector<ChannelSftp.LsEntry> entries;
    try {
      entries = ch.ls(dir);
    } catch (SftpException e) {
      if (SftpErrors.isNoSuchFile(e)) {
        return;
      }
      throw e;
    }
    for (ChannelSftp.LsEntry entry : entries) {
      String name = entry.getFilename();
      if (name.equals(".") || name.equals("..")) {
        continue;
      }
      String child = dir + "/" + name;
      try {
        if (entry.getAttrs().isDir()) {
          deleteTree(ch, child);
        } else {
          ch.rm(child);
        }
      } catch (SftpException e) {
        if (!SftpErrors.isNoSuchFile(e)) {
          throw e;
        }
      }
    }
    try {
      ch.rmdir(dir);
    } catch (SftpException e) {
      if (!SftpErrors.isNoSuchFile(e)) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    connections.close();
  }

  @Override
  public String toString() {
    return "sftp replica " + settings.location();
  }

  /** One channel operation. */
  @FunctionalInterface
  private interface SftpCall<T> {
    T apply(ChannelSftp channel) throws SftpException, IOException;
  }

  /**
   * Runs {@code op} on a borrowed channel, once more on a new connection if the first one dropped.
   */
  private <T> T call(String what, String where, SftpCall<T> op) throws IOException {
    for (int attempt = 1; ; attempt++) {
      SftpConnections.Lease lease = connections.borrow();
      boolean broken = false;
      try {
        return op.apply(lease.channel());
      } catch (SftpException | IOException e) {
        broken = SftpErrors.isConnectionLost(e) || !lease.healthy();
        if (broken && attempt < MAX_ATTEMPTS) {
          LOG.atInfo()
              .addKeyValue("replica", settings.location())
              .log("connection lost ({}); reconnecting", e.getMessage());
          continue;
        }
        throw SftpErrors.explain(what, where + " on " + settings.location(), e);
      } finally {
        connections.release(lease, broken);
      }
    }
  }

  /**
   * The upload data, counting what was read so a dropped connection before the first byte can be
   * retried.
   */
  private static final class CountingSource extends java.io.FilterInputStream {
    private long consumed;

    CountingSource(InputStream in) {
      super(in);
    }

    long consumed() {
      return consumed;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        consumed++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        consumed += n;
      }
      return n;
    }
  }

  /** The connection dropped before any upload data was read: the upload can start over. */
  private static final class ConnectionLostBeforeUpload extends IOException {
    private static final long serialVersionUID = 1L;

    ConnectionLostBeforeUpload(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }
}
