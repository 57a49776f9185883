package io.litestream4j.sftp;

import io.litestream4j.internal.BulkInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An open download of (part of) a replica file, holding its borrowed channel until closed.
 *
 * <p>Ends after {@code length} bytes when a length was asked for. A read failure is reported with
 * the file's location and marks the channel broken, so closing the stream also closes the dead
 * connection; the caller (typically a {@link io.litestream4j.replica.ResumableInputStream}) then
 * reopens the file at its offset on a fresh one. Not thread-safe, like any {@link InputStream}.
 */
final class SftpDownload extends BulkInputStream {

  private final InputStream in;
  private final SftpConnections.Lease lease;
  private final SftpConnections connections;
  private final String where;
  private long remaining;
  private boolean failed;
  private boolean closed;

  /** {@code length} 0 reads to the end of the file. */
  SftpDownload(
      InputStream in,
      long length,
      SftpConnections.Lease lease,
      SftpConnections connections,
      String where) {
    this.in = in;
    this.remaining = length > 0 ? length : Long.MAX_VALUE;
    this.lease = lease;
    this.connections = connections;
    this.where = where;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("sftp: download of " + where + " is closed");
    }
    if (len == 0) {
      return 0;
    }
    if (remaining <= 0) {
      return -1;
    }
    int n;
    try {
      n = in.read(b, off, (int) Math.min(len, remaining));
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw new IOException("sftp: reading " + where + " failed: " + e.getMessage(), e);
    }
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!failed && lease.healthy()) {
        in.close();
      }
    } catch (IOException e) {
      failed = true;
    } finally {
      connections.release(lease, failed || !lease.healthy());
    }
  }
}
