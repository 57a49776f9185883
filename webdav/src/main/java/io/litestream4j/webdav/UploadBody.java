package io.litestream4j.webdav;

import io.litestream4j.internal.UploadCopy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An upload read completely before it is sent, so the PUT carries a {@code Content-Length} (some
 * WebDAV servers reject chunked uploads) and can be sent again after a dropped connection. Small
 * files stay in memory; larger ones spill to a temporary file that {@link #close()} deletes.
 */
final class UploadBody implements AutoCloseable {

  static final int MEMORY_LIMIT = 8 << 20;

  private final byte[] bytes;
  private final Path file;
  private final long size;

  private UploadBody(byte[] bytes, Path file, long size) {
    this.bytes = bytes;
    this.file = file;
    this.size = size;
  }

  /**
   * Reads {@code in} to its end.
   *
   * @throws UploadCopy.SourceFailure if reading {@code in} fails (the caller's problem, passed on
   *     unchanged)
   * @throws IOException if the temporary file cannot be written
   */
  static UploadBody read(InputStream in) throws IOException {
    var memory = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    while (memory.size() <= MEMORY_LIMIT) {
      int n = readSource(in, buffer);
      if (n < 0) {
        return new UploadBody(memory.toByteArray(), null, memory.size());
      }
      memory.write(buffer, 0, n);
    }
    Path temp = Files.createTempFile("litestream4j-webdav-", ".ltx");
    try (OutputStream out = Files.newOutputStream(temp)) {
      memory.writeTo(out);
      long size = memory.size() + UploadCopy.copy(in, out, buffer.length);
      return new UploadBody(null, temp, size);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private static int readSource(InputStream in, byte[] buffer) throws UploadCopy.SourceFailure {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw new UploadCopy.SourceFailure(e);
    }
  }

  long size() {
    return size;
  }

  HttpRequest.BodyPublisher publisher() throws IOException {
    return file == null
        ? HttpRequest.BodyPublishers.ofByteArray(bytes)
        : HttpRequest.BodyPublishers.ofFile(file);
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      Files.deleteIfExists(file);
    }
  }
}
