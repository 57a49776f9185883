package io.litestream4j.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * An {@link InputStream} implemented by its bulk {@link #read(byte[], int, int)} alone: the
 * single-byte {@link #read()} goes through it, so the streams the project builds by hand (pipes,
 * downloads) keep their checks, counts and error translation in one method.
 */
public abstract class BulkInputStream extends InputStream {

  /** Reads one byte through {@link #read(byte[], int, int)}. */
  @Override
  public final int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}
