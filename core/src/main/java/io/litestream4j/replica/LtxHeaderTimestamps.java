package io.litestream4j.replica;

import io.litestream4j.internal.FanOut;
import io.litestream4j.ltx.LtxException;
import io.litestream4j.ltx.LtxHeader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Exact creation times read from the LTX headers of listed files, for backends whose listings
 * cannot carry them: SFTP keeps modification times in whole seconds, and a WebDAV server sets its
 * own modification time. The header's timestamp is what Litestream records as the file's creation
 * time, so this also gives exact times for replicas Litestream wrote.
 *
 * <p>Reads the first {@link LtxHeader#SIZE} bytes of each file, {@code parallelism} at a time on
 * named threads that are gone when the call returns. Files deleted meanwhile are left out.
 */
public final class LtxHeaderTimestamps {

  private LtxHeaderTimestamps() {}

  /**
   * {@code files} (as listed by {@code client}) with {@code createdAt} replaced by each file's
   * header timestamp, in the same order.
   *
   * @throws IOException if a header cannot be read or is not an LTX header
   */
  public static List<LtxFileInfo> read(
      ReplicaClient client, List<LtxFileInfo> files, int parallelism) throws IOException {
    if (files.isEmpty()) {
      return files;
    }
    List<Optional<LtxFileInfo>> read =
        FanOut.map(
            files, parallelism, "l4j-" + client.type() + "-header-", f -> readOne(client, f));
    return read.stream().flatMap(Optional::stream).toList();
  }

  private static Optional<LtxFileInfo> readOne(ReplicaClient client, LtxFileInfo f)
      throws IOException {
    byte[] bytes;
    try (InputStream in =
        client.openLtxFile(f.level(), f.minTxid(), f.maxTxid(), 0, LtxHeader.SIZE)) {
      bytes = in.readNBytes(LtxHeader.SIZE);
    } catch (LtxFileNotFoundException deletedMeanwhile) {
      return Optional.empty();
    }
    if (bytes.length < LtxHeader.SIZE) {
      throw new IOException(
          "cannot read the timestamp of "
              + f
              + " on "
              + client
              + ": the file is "
              + bytes.length
              + " bytes long, shorter than an LTX header");
    }
    try {
      Instant ts = Instant.ofEpochMilli(LtxHeader.decodeUnvalidated(bytes).timestamp());
      return Optional.of(new LtxFileInfo(f.level(), f.minTxid(), f.maxTxid(), f.size(), ts));
    } catch (LtxException e) {
      throw new IOException(
          "cannot read the timestamp of "
              + f
              + " on "
              + client
              + ": not an LTX file ("
              + e.getMessage()
              + ")",
          e);
    }
  }
}
