package io.litestream4j.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * The body of a GET. Closing it before the end aborts the connection instead of draining the rest
 * of a possibly large object (a reader that needed only a header or trailer stops early), and
 * reading at the end needs no extra round trip.
 */
final class AbortingInputStream extends FilterInputStream {

  private final ResponseInputStream<?> response;
  private boolean eof;

  AbortingInputStream(ResponseInputStream<?> response) {
    super(response);
    this.response = response;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b < 0) {
      eof = true;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n < 0) {
      eof = true;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    if (!eof) {
      response.abort();
    }
    super.close();
  }
}
