package io.litestream4j.replica;

import io.litestream4j.ltx.LtxException;
import io.litestream4j.ltx.LtxFileName;
import io.litestream4j.ltx.LtxHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Instant;

/**
 * The LTX header read off the front of an upload stream, and the stream replaying it.
 *
 * <p>Every backend must record the header timestamp as the file's creation time (that is what
 * point-in-time restore compares against), so it has to look at the header before storing the
 * bytes. {@link #stream()} replays the header followed by the rest of the data. The header is
 * decoded by the LTX codec but only its magic and TXID range are checked here: a backend stores
 * what it is given, and readers validate.
 *
 * @param header the decoded, unvalidated header
 * @param stream the complete LTX data, header included, positioned at byte 0
 */
public record LtxHeaderPeek(LtxHeader header, InputStream stream) {

  /**
   * Reads the header of the LTX file about to be stored as {@code level/minTxid-maxTxid} and checks
   * that it really is that file.
   *
   * @throws IOException if the data is shorter than a header, lacks the {@code LTX1} magic, or its
   *     header names a different TXID range than the one it is being stored under
   */
  public static LtxHeaderPeek read(InputStream data, int level, long minTxid, long maxTxid)
      throws IOException {
    String target = "L" + level + "/" + LtxFileName.format(minTxid, maxTxid);
    byte[] bytes = data.readNBytes(LtxHeader.SIZE);
    if (bytes.length < LtxHeader.SIZE) {
      throw new IOException(
          "cannot store %s: LTX data is %d bytes long, shorter than the %d-byte header"
              .formatted(target, bytes.length, LtxHeader.SIZE));
    }
    LtxHeader header;
    try {
      header = LtxHeader.decodeUnvalidated(bytes);
    } catch (LtxException e) {
      throw new IOException(
          "cannot store %s: data does not start with the LTX magic \"LTX1\"".formatted(target), e);
    }
    if (header.minTxid() != minTxid || header.maxTxid() != maxTxid) {
      throw new IOException(
          "cannot store %s: its LTX header covers TXIDs %016x-%016x instead"
              .formatted(target, header.minTxid(), header.maxTxid()));
    }
    InputStream replay = new SequenceInputStream(new ByteArrayInputStream(bytes), data);
    return new LtxHeaderPeek(header, replay);
  }

  /** The header timestamp: when the file's newest transaction was committed. */
  public Instant timestamp() {
    return Instant.ofEpochMilli(header.timestamp());
  }
}
