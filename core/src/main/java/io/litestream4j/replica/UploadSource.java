package io.litestream4j.replica;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * The data of an upload as handed to a storage SDK: counts the bytes read (the stored file's size)
 * and remembers the first read failure of the source itself.
 *
 * <p>SDKs wrap a failing source in their own exceptions (or retry it); a backend catches whatever
 * the SDK throws and calls {@link #throwFailure()} before reporting it, so the caller learns that
 * its own data failed (a local disk error) rather than that the store did. Not thread-safe.
 */
public final class UploadSource extends FilterInputStream {

  private long count;
  private @Nullable IOException failure;

  public UploadSource(InputStream source) {
    super(source);
  }

  /** Bytes read so far. */
  public long count() {
    return count;
  }

  /**
   * Throws the source's first read failure, if any: what a backend calls first when the SDK failed
   * or after it finished, so that the caller's own data failure is reported as itself.
   */
  public void throwFailure() throws IOException {
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public int read() throws IOException {
    try {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    } catch (IOException e) {
      throw remember(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    } catch (IOException e) {
      throw remember(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("an upload source cannot skip");
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** The source is closed by whoever opened it, not by the SDK. */
  @Override
  public void close() {}

  private IOException remember(IOException e) {
    if (failure == null) {
      failure = e;
    }
    return e;
  }
}
