package io.litestream4j.ltx;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A buffered {@link ByteSource} over an {@link InputStream} that counts the absolute offset. Exists
 * instead of {@code BufferedInputStream} so truncation errors carry the offset and the decoder can
 * tell exactly whether bytes follow the trailer.
 */
final class StreamInput implements ByteSource {
  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int limit;
  private long consumedBefore; // file offset of buf[0]

  StreamInput(InputStream in, int bufferSize) {
    this.in = Objects.requireNonNull(in, "in");
    this.buf = new byte[bufferSize];
  }

  @Override
  public long offset() {
    return consumedBefore + pos;
  }

  @Override
  public void readFully(byte[] b, int off, int len, String what) throws IOException {
    if (copy(b, off, len) > 0) {
      throw ByteSource.truncated(offset(), what);
    }
  }

  @Override
  public void readFully(byte[] b, int off, int len, String what, int pgno) throws IOException {
    if (copy(b, off, len) > 0) {
      throw ByteSource.truncated(offset(), what + " of page " + Integer.toUnsignedString(pgno));
    }
  }

  /**
   * Copies {@code len} bytes to {@code b}, refilling the buffer as needed; returns how many of them
   * the input ended before.
   */
  private int copy(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (pos == limit && !fill()) {
        return len;
      }
      int n = Math.min(len, limit - pos);
      System.arraycopy(buf, pos, b, off, n);
      pos += n;
      off += n;
      len -= n;
    }
    return 0;
  }

  @Override
  public int readByte(String what) throws IOException {
    if (pos == limit && !fill()) {
      throw ByteSource.truncated(offset(), what);
    }
    return buf[pos++] & 0xff;
  }

  /** True if the stream has no more bytes. */
  boolean atEnd() throws IOException {
    return pos == limit && !fill();
  }

  void close() throws IOException {
    in.close();
  }

  private boolean fill() throws IOException {
    consumedBefore += limit;
    pos = 0;
    limit = 0;
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    limit = n;
    return true;
  }
}
