package io.litestream4j.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * The body of a GET. Closing it before the end aborts the connection instead of draining the rest
 * of a possibly large object (a reader that needed only a header or trailer stops early).
 *
 * <p>A read that times out (the server stopped sending) is reported as a plain {@link IOException}
 * rather than the JDK's {@link SocketTimeoutException}, which is an {@link
 * java.io.InterruptedIOException} and would otherwise be mistaken for the reader being interrupted:
 * a stalled download is a dropped connection, to be resumed at its offset.
 */
final class AbortingInputStream extends FilterInputStream {

  private final Runnable abort;
  private boolean eof;

  /**
   * @param abort drops the connection (the SDK response's {@code abort}, {@link
   *     java.net.HttpURLConnection#disconnect()})
   */
  AbortingInputStream(InputStream body, Runnable abort) {
    super(body);
    this.abort = abort;
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = super.read();
    } catch (SocketTimeoutException e) {
      throw stalled(e);
    }
    if (b < 0) {
      eof = true;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = super.read(b, off, len);
    } catch (SocketTimeoutException e) {
      throw stalled(e);
    }
    if (n < 0) {
      eof = true;
    }
    return n;
  }

  private static IOException stalled(SocketTimeoutException e) {
    return new IOException(
        "download stalled: no data within the read timeout (" + e.getMessage() + ")", e);
  }

  @Override
  public void close() throws IOException {
    if (!eof) {
      abort.run();
    }
    super.close();
  }
}
