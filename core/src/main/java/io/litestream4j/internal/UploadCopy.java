package io.litestream4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies the data of an upload to where a backend stores it, telling a failure to read the data
 * (the caller's own problem, a local disk error) from a failure to store it (the backend's).
 *
 * <p>Guarantees: a read failure of the source is thrown as {@link SourceFailure}, whose cause is
 * the source's exception unchanged, so a backend that explains its own errors can rethrow the
 * caller's as they are; a write failure is thrown as it is.
 */
public final class UploadCopy {
  private UploadCopy() {}

  /** The upload's source failed to read; {@link #getCause()} is its exception. */
  public static final class SourceFailure extends IOException {
    private static final long serialVersionUID = 1L;

    public SourceFailure(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  /**
   * Copies all of {@code in} to {@code out} through a buffer of {@code bufferSize} bytes.
   *
   * @return the number of bytes copied
   * @throws SourceFailure if reading {@code in} failed
   */
  public static long copy(InputStream in, OutputStream out, int bufferSize) throws IOException {
    byte[] buffer = new byte[bufferSize];
    long total = 0;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (IOException e) {
        throw new SourceFailure(e);
      }
      if (n < 0) {
        return total;
      }
      out.write(buffer, 0, n);
      total += n;
    }
  }
}
