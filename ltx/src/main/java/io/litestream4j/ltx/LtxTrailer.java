package io.litestream4j.ltx;

import java.nio.ByteBuffer;

/**
 * The 16-byte trailer that ends an LTX file: the database checksum after applying the file and the
 * checksum of the file itself (see {@link Checksums} for what each covers).
 *
 * @param postApplyChecksum database checksum after the file; 0 when the header has no checksums
 * @param fileChecksum {@code 0x8000000000000000 | CRC64} of the file's logical content
 */
public record LtxTrailer(long postApplyChecksum, long fileChecksum) {
  /** Encoded size of a trailer in bytes. */
  public static final int SIZE = 16;

  /** The 16 trailer bytes. */
  public byte[] encode() {
    return ByteBuffer.allocate(SIZE).putLong(postApplyChecksum).putLong(fileChecksum).array();
  }

  /** Decodes the first 16 bytes of {@code b} without validating. */
  public static LtxTrailer decode(byte[] b) throws LtxException {
    if (b.length < SIZE) {
      throw new LtxException("LTX trailer is " + SIZE + " bytes, got only " + b.length);
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new LtxTrailer(buf.getLong(), buf.getLong());
  }

  /**
   * Checks the trailer against its header's checksum flag.
   *
   * @return this trailer, for chaining
   * @throws LtxException naming the broken rule
   */
  public LtxTrailer validate(LtxHeader header) throws LtxException {
    checkPostApply(header, postApplyChecksum);
    if ((fileChecksum & Checksums.FLAG) == 0) {
      throw new LtxException(
          "LTX file checksum "
              + Checksums.format(fileChecksum)
              + " is malformed: the top bit must be set");
    }
    return this;
  }

  static void checkPostApply(LtxHeader header, long post) throws LtxException {
    if (!header.hasChecksums()) {
      if (post != 0) {
        throw new LtxException(
            "LTX post-apply checksum must be 0 when flag 0x2 (no checksum) is set, got "
                + Checksums.format(post));
      }
    } else if ((post & Checksums.FLAG) == 0) {
      throw new LtxException(
          "LTX post-apply checksum "
              + Checksums.format(post)
              + (post == 0 ? " is missing" : " is malformed")
              + ": files that track checksums need one with the top bit set");
    }
  }

  @Override
  public String toString() {
    return "LtxTrailer[post="
        + Checksums.format(postApplyChecksum)
        + " file="
        + Checksums.format(fileChecksum)
        + "]";
  }
}
