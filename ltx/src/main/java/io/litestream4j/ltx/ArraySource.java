package io.litestream4j.ltx;

/** A {@link ByteSource} over bytes already read from a known file offset (random-access reads). */
final class ArraySource implements ByteSource {
  private final byte[] b;
  private final long baseOffset;
  private int pos;

  ArraySource(byte[] b, long baseOffset) {
    this.b = b;
    this.baseOffset = baseOffset;
  }

  @Override
  public long offset() {
    return baseOffset + pos;
  }

  int remaining() {
    return b.length - pos;
  }

  @Override
  public void readFully(byte[] dst, int off, int len, String what) throws LtxException {
    if (len > b.length - pos) {
      throw ByteSource.truncated(baseOffset + b.length, what);
    }
    System.arraycopy(b, pos, dst, off, len);
    pos += len;
  }

  @Override
  public int readByte(String what) throws LtxException {
    if (pos == b.length) {
      throw ByteSource.truncated(baseOffset + b.length, what);
    }
    return b[pos++] & 0xff;
  }
}
