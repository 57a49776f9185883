package io.litestream4j.replica;

import io.litestream4j.ltx.LtxFileName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads the fixed 100-byte LTX header off the front of an upload stream without losing it.
 *
 * <p>Every backend must record the header timestamp as the file's creation time (that is what
 * point-in-time restore compares against), so it has to look at the header before storing the
 * bytes. {@link #stream()} replays the header followed by the rest of the data. Only the magic,
 * TXID range and timestamp are interpreted here; full validation belongs to the LTX codec, which
 * will replace this class once it is available to the replica layer.
 */
public final class LtxHeaderPeek {

  /** Size of the LTX header in bytes. */
  public static final int HEADER_SIZE = 100;

  private static final byte[] MAGIC = "LTX1".getBytes(StandardCharsets.US_ASCII);
  private static final int MIN_TXID_OFFSET = 16;
  private static final int MAX_TXID_OFFSET = 24;
  private static final int TIMESTAMP_OFFSET = 32;

  private final long minTxid;
  private final long maxTxid;
  private final Instant timestamp;
  private final InputStream stream;

  private LtxHeaderPeek(long minTxid, long maxTxid, Instant timestamp, InputStream stream) {
    this.minTxid = minTxid;
    this.maxTxid = maxTxid;
    this.timestamp = timestamp;
    this.stream = stream;
  }

  /**
   * Reads the header of the LTX file about to be stored as {@code level/minTxid-maxTxid} and
   * checks that it really is that file.
   *
   * @throws IOException if the data is shorter than a header, lacks the {@code LTX1} magic, or
   *     its header names a different TXID range than the one it is being stored under
   */
  public static LtxHeaderPeek read(InputStream data, int level, long minTxid, long maxTxid)
      throws IOException {
    String target = "L" + level + "/" + LtxFileName.format(minTxid, maxTxid);
    byte[] header = data.readNBytes(HEADER_SIZE);
    if (header.length < HEADER_SIZE) {
      throw new IOException("cannot store %s: LTX data is %d bytes long, shorter than the %d-byte header"
          .formatted(target, header.length, HEADER_SIZE));
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (header[i] != MAGIC[i]) {
        throw new IOException("cannot store %s: data does not start with the LTX magic \"LTX1\""
            .formatted(target));
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(header);
    long headerMin = buf.getLong(MIN_TXID_OFFSET);
    long headerMax = buf.getLong(MAX_TXID_OFFSET);
    if (headerMin != minTxid || headerMax != maxTxid) {
      throw new IOException("cannot store %s: its LTX header covers TXIDs %016x-%016x instead"
          .formatted(target, headerMin, headerMax));
    }
    Instant timestamp = Instant.ofEpochMilli(buf.getLong(TIMESTAMP_OFFSET));
    InputStream replay = new SequenceInputStream(new ByteArrayInputStream(header), data);
    return new LtxHeaderPeek(headerMin, headerMax, timestamp, replay);
  }

  public long minTxid() {
    return minTxid;
  }

  public long maxTxid() {
    return maxTxid;
  }

  /** The header timestamp: when the file's newest transaction was committed. */
  public Instant timestamp() {
    return timestamp;
  }

  /** The complete LTX data, header included, positioned at byte 0. */
  public InputStream stream() {
    return stream;
  }
}
