package io.litestream4j.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Up to {@code limit} bytes read from an upload stream into memory, for one PUT or one part.
 *
 * <p>The buffer starts small and grows as data arrives, so a 300-byte L0 file costs a few
 * kilobytes, never a whole part size; it is full only when the stream really had that much. The
 * bytes can be replayed any number of times, which the SDK needs for payload signing and retries.
 */
final class PartBuffer {

  static final int INITIAL_CAPACITY = 8 * 1024;

  private byte[] bytes;
  private int size;
  private boolean endOfStream;

  private PartBuffer(int initialCapacity) {
    this.bytes = new byte[initialCapacity];
  }

  /**
   * Reads from {@code in} until {@code limit} bytes are buffered or the stream ends.
   *
   * @throws UploadSourceException if reading {@code in} fails (the caller's data, not S3)
   */
  static PartBuffer read(InputStream in, int limit) throws UploadSourceException {
    var buffer = new PartBuffer(Math.min(limit, INITIAL_CAPACITY));
    buffer.fill(in, limit);
    return buffer;
  }

  private void fill(InputStream in, int limit) throws UploadSourceException {
    while (size < limit) {
      if (size == bytes.length) {
        bytes = Arrays.copyOf(bytes, (int) Math.min(limit, (long) bytes.length * 2));
      }
      int n;
      try {
        n = in.read(bytes, size, bytes.length - size);
      } catch (IOException e) {
        throw new UploadSourceException(e);
      }
      if (n < 0) {
        endOfStream = true;
        return;
      }
      size += n;
    }
  }

  int size() {
    return size;
  }

  /** True when the stream ended before the limit: this is the last (or only) piece. */
  boolean endOfStream() {
    return endOfStream;
  }

  /** Capacity actually allocated, for tests of memory use. */
  int capacity() {
    return bytes.length;
  }

  RequestBody body() {
    byte[] b = bytes;
    int n = size;
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(b, 0, n), n, "application/octet-stream");
  }

  /** Reading the data to upload failed; rethrown as the caller's own {@link IOException}. */
  static final class UploadSourceException extends Exception {
    private static final long serialVersionUID = 1L;

    UploadSourceException(IOException cause) {
      super(cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }
}
