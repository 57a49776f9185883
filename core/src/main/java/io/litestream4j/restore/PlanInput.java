package io.litestream4j.restore;

import io.litestream4j.ltx.LtxException;
import io.litestream4j.ltx.LtxHeader;
import io.litestream4j.replica.LtxFileInfo;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * One plan file as the merge reads it: passes the bytes through unchanged, reports how many were
 * consumed (for progress) and keeps a copy of the 100-byte LTX header, so the restore can tell
 * afterwards whether the file tracked checksums and whether its header matches its name.
 */
final class PlanInput extends FilterInputStream {
  private final LtxFileInfo file;
  private final LongConsumer consumed;
  private final byte[] header = new byte[LtxHeader.SIZE];
  private int headerBytes;

  PlanInput(LtxFileInfo file, InputStream in, LongConsumer consumed) {
    super(in);
    this.file = file;
    this.consumed = consumed;
  }

  LtxFileInfo file() {
    return file;
  }

  /** The file's header; only valid once the merge has read it. */
  LtxHeader header() throws LtxException {
    if (headerBytes < LtxHeader.SIZE) {
      throw new LtxException(file.label() + ": header was not read");
    }
    return LtxHeader.decode(Arrays.copyOf(header, header.length));
  }

  /** The file's header, if the merge has read it by now. */
  java.util.Optional<LtxHeader> headerIfRead() {
    if (headerBytes < LtxHeader.SIZE) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(
          LtxHeader.decodeUnvalidated(Arrays.copyOf(header, header.length)));
    } catch (LtxException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      seen(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      seen(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("LTX input is read, never skipped");
  }

  private void seen(byte[] b, int off, int n) {
    if (headerBytes < header.length) {
      int k = Math.min(n, header.length - headerBytes);
      System.arraycopy(b, off, header, headerBytes, k);
      headerBytes += k;
    }
    consumed.accept(n);
  }
}
