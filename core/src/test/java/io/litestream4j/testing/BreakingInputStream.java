package io.litestream4j.testing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A download that passes {@code limit} bytes through and then breaks: a dropped connection (read
 * error) or a connection closed early (end of stream). For faults a local file system cannot cause.
 */
public final class BreakingInputStream extends FilterInputStream {
  private long remaining;
  private final boolean error;

  private BreakingInputStream(InputStream in, long limit, boolean error) {
    super(in);
    this.remaining = limit;
    this.error = error;
  }

  /** Fails every read after {@code limit} bytes, as a reset connection does. */
  public static InputStream failingAfter(InputStream in, long limit) {
    return new BreakingInputStream(in, limit, true);
  }

  /** Reports end of stream after {@code limit} bytes, as a connection closed early does. */
  public static InputStream endingAfter(InputStream in, long limit) {
    return new BreakingInputStream(in, limit, false);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining <= 0) {
      if (error) {
        throw new IOException("connection reset by peer (injected)");
      }
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }
}
