package io.litestream4j.ltx;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 100-byte header of an LTX v3 file (all integers big-endian): magic {@code LTX1}, flags, page
 * size, commit, min/max TXID, timestamp, pre-apply checksum, WAL offset/size/salts, node id and 20
 * reserved zero bytes.
 *
 * <p>A plain value: constructing one checks nothing, so damaged headers can still be inspected;
 * {@link #validate()} applies every rule of the format and {@link #decode(byte[])} validates.
 * TXIDs, checksums and the node id are unsigned 64-bit values carried in {@code long}s.
 *
 * @param flags only {@link #FLAG_NO_CHECKSUM} may be set
 * @param pageSize a power of two in 512..65536
 * @param commit database size in pages after applying the file
 * @param minTxid first transaction in the file, at least 1; 1 makes the file a snapshot
 * @param maxTxid last transaction in the file, at least {@code minTxid}
 * @param timestamp milliseconds since the Unix epoch of the last transaction
 * @param preApplyChecksum database checksum before the file; 0 for snapshots and without checksums
 * @param walOffset offset of the first WAL frame the file came from; 0 for compactions
 * @param walSize bytes of WAL covered; 0 when {@code walOffset} is 0
 * @param walSalt1 salt-1 of the source WAL header; non-zero salts need a WAL offset
 * @param walSalt2 salt-2 of the source WAL header
 * @param nodeId id of the node that wrote the file, 0 if unset
 */
public record LtxHeader(
    int flags,
    int pageSize,
    int commit,
    long minTxid,
    long maxTxid,
    long timestamp,
    long preApplyChecksum,
    long walOffset,
    long walSize,
    int walSalt1,
    int walSalt2,
    long nodeId) {

  /** Encoded size of a header in bytes. */
  public static final int SIZE = 100;

  /** Header flag: the file carries no database checksums (pre- and post-apply are 0). */
  public static final int FLAG_NO_CHECKSUM = 0x2;

  /** Smallest valid page size. */
  public static final int MIN_PAGE_SIZE = 512;

  /** Largest valid page size. */
  public static final int MAX_PAGE_SIZE = 65536;

  private static final byte[] MAGIC = "LTX1".getBytes(StandardCharsets.US_ASCII);

  /**
   * A snapshot header (min TXID 1) that tracks checksums; the file must contain every page
   * 1..{@code commit} except the lock page.
   */
  public static LtxHeader snapshot(int pageSize, int commit, long maxTxid, long timestampMillis) {
    return new LtxHeader(0, pageSize, commit, 1, maxTxid, timestampMillis, 0, 0, 0, 0, 0, 0);
  }

  /**
   * An incremental header that tracks checksums: {@code preApplyChecksum} is the database before
   * it.
   */
  public static LtxHeader incremental(
      int pageSize,
      int commit,
      long minTxid,
      long maxTxid,
      long timestampMillis,
      long preApplyChecksum) {
    return new LtxHeader(
        0, pageSize, commit, minTxid, maxTxid, timestampMillis, preApplyChecksum, 0, 0, 0, 0, 0);
  }

  /**
   * This header with the source WAL position (a file written from a WAL, as Litestream's L0 files
   * are).
   */
  public LtxHeader withWal(long walOffset, long walSize, int walSalt1, int walSalt2) {
    return new LtxHeader(
        flags,
        pageSize,
        commit,
        minTxid,
        maxTxid,
        timestamp,
        preApplyChecksum,
        walOffset,
        walSize,
        walSalt1,
        walSalt2,
        nodeId);
  }

  /**
   * This header without database checksums: sets {@link #FLAG_NO_CHECKSUM} and clears the pre-apply
   * checksum.
   */
  public LtxHeader withoutChecksums() {
    return new LtxHeader(
        flags | FLAG_NO_CHECKSUM,
        pageSize,
        commit,
        minTxid,
        maxTxid,
        timestamp,
        0,
        walOffset,
        walSize,
        walSalt1,
        walSalt2,
        nodeId);
  }

  /** This header with another timestamp (milliseconds since the epoch). */
  public LtxHeader withTimestamp(long timestampMillis) {
    return new LtxHeader(
        flags,
        pageSize,
        commit,
        minTxid,
        maxTxid,
        timestampMillis,
        preApplyChecksum,
        walOffset,
        walSize,
        walSalt1,
        walSalt2,
        nodeId);
  }

  /** This header with another node id. */
  public LtxHeader withNodeId(long nodeId) {
    return new LtxHeader(
        flags,
        pageSize,
        commit,
        minTxid,
        maxTxid,
        timestamp,
        preApplyChecksum,
        walOffset,
        walSize,
        walSalt1,
        walSalt2,
        nodeId);
  }

  /** True if the file holds the whole database (min TXID is 1). */
  public boolean isSnapshot() {
    return minTxid == 1;
  }

  /** True unless {@link #FLAG_NO_CHECKSUM} is set: pre/post-apply checksums are meaningful. */
  public boolean hasChecksums() {
    return (flags & FLAG_NO_CHECKSUM) == 0;
  }

  /** The lock page number for this header's page size. */
  public int lockPgno() {
    return LockPage.pgno(pageSize);
  }

  /** The file name for this header's TXID range. */
  public LtxFileName fileName() {
    return new LtxFileName(minTxid, maxTxid);
  }

  /** True for 512, 1024, ..., 65536. */
  public static boolean isValidPageSize(int pageSize) {
    return pageSize >= MIN_PAGE_SIZE
        && pageSize <= MAX_PAGE_SIZE
        && Integer.bitCount(pageSize) == 1;
  }

  /**
   * Checks every rule the format puts on a header.
   *
   * @return this header, for chaining
   * @throws LtxException naming the first broken rule
   */
  public LtxHeader validate() throws LtxException {
    if ((flags & ~FLAG_NO_CHECKSUM) != 0) {
      throw new LtxException(
          String.format(
              "invalid LTX header flags 0x%08x: only 0x%08x (no checksum) is defined",
              flags, FLAG_NO_CHECKSUM));
    }
    if (!isValidPageSize(pageSize)) {
      throw new LtxException(
          "invalid LTX page size "
              + Integer.toUnsignedString(pageSize)
              + ": must be a power of two from 512 to 65536");
    }
    if (commit < 0) {
      throw new LtxException(
          "LTX commit "
              + Integer.toUnsignedString(commit)
              + " pages is beyond what this implementation supports ("
              + Integer.MAX_VALUE
              + ")");
    }
    if (minTxid == 0) {
      throw new LtxException("LTX min TXID must be at least 1, got 0");
    }
    if (Long.compareUnsigned(minTxid, maxTxid) > 0) {
      throw new LtxException(
          "LTX TXIDs out of order: min " + Txid.format(minTxid) + " > max " + Txid.format(maxTxid));
    }
    if (walOffset < 0) {
      throw new LtxException("LTX WAL offset cannot be negative: " + walOffset);
    }
    if (walSize < 0) {
      throw new LtxException("LTX WAL size cannot be negative: " + walSize);
    }
    if ((walSalt1 != 0 || walSalt2 != 0) && walOffset == 0) {
      throw new LtxException(
          "LTX WAL salts are set but the WAL offset is 0: salts require a WAL offset");
    }
    if (walOffset == 0 && walSize != 0) {
      throw new LtxException(
          "LTX WAL size is "
              + walSize
              + " but the WAL offset is 0: a WAL size requires a WAL offset");
    }
    if (isSnapshot()) {
      if (preApplyChecksum != 0) {
        throw new LtxException(
            "LTX pre-apply checksum must be 0 on a snapshot (min TXID 1), got "
                + Checksums.format(preApplyChecksum));
      }
    } else if (!hasChecksums()) {
      if (preApplyChecksum != 0) {
        throw new LtxException(
            "LTX pre-apply checksum must be 0 when flag 0x2 (no checksum) is set, got "
                + Checksums.format(preApplyChecksum));
      }
    } else if (preApplyChecksum == 0) {
      throw new LtxException(
          "LTX pre-apply checksum is required on a non-snapshot file that tracks checksums");
    } else if ((preApplyChecksum & Checksums.FLAG) == 0) {
      throw new LtxException(
          "LTX pre-apply checksum "
              + Checksums.format(preApplyChecksum)
              + " is malformed: the top bit must be set");
    }
    return this;
  }

  /** The 100 header bytes. Does not validate. */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put(MAGIC)
        .putInt(flags)
        .putInt(pageSize)
        .putInt(commit)
        .putLong(minTxid)
        .putLong(maxTxid)
        .putLong(timestamp)
        .putLong(preApplyChecksum)
        .putLong(walOffset)
        .putLong(walSize)
        .putInt(walSalt1)
        .putInt(walSalt2)
        .putLong(nodeId);
    return b.array();
  }

  /**
   * Decodes and {@linkplain #validate() validates} the first 100 bytes of {@code b}.
   *
   * @throws LtxException if {@code b} is short, the magic is not {@code LTX1} or a rule is broken
   */
  public static LtxHeader decode(byte[] b) throws LtxException {
    return decodeUnvalidated(b).validate();
  }

  /**
   * Decodes the first 100 bytes of {@code b} checking only the length and the magic, for tools that
   * want to show a damaged header. The 20 reserved bytes are ignored, as Go's reader does.
   */
  public static LtxHeader decodeUnvalidated(byte[] b) throws LtxException {
    if (b.length < SIZE) {
      throw new LtxException("LTX header is " + SIZE + " bytes, got only " + b.length);
    }
    if (!Arrays.equals(b, 0, 4, MAGIC, 0, 4)) {
      throw new LtxException(
          String.format(
              "not an LTX file: magic at offset 0 is %02x %02x %02x %02x, expected \"LTX1\"",
              b[0], b[1], b[2], b[3]));
    }
    ByteBuffer buf = ByteBuffer.wrap(b, 4, SIZE - 4);
    return new LtxHeader(
        buf.getInt(),
        buf.getInt(),
        buf.getInt(),
        buf.getLong(),
        buf.getLong(),
        buf.getLong(),
        buf.getLong(),
        buf.getLong(),
        buf.getLong(),
        buf.getInt(),
        buf.getInt(),
        buf.getLong());
  }

  @Override
  public String toString() {
    return "LtxHeader["
        + fileName().name()
        + (isSnapshot() ? " snapshot" : "")
        + " flags=0x"
        + Integer.toHexString(flags)
        + " pageSize="
        + pageSize
        + " commit="
        + Integer.toUnsignedString(commit)
        + " timestamp="
        + timestamp
        + " pre="
        + Checksums.format(preApplyChecksum)
        + " walOffset="
        + walOffset
        + " walSize="
        + walSize
        + " walSalt1=0x"
        + Integer.toHexString(walSalt1)
        + " walSalt2=0x"
        + Integer.toHexString(walSalt2)
        + " nodeId="
        + Long.toUnsignedString(nodeId)
        + "]";
  }
}
