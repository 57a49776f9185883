package io.litestream4j.sqlite;

/**
 * A point in a WAL file at which reading can continue: the byte offset of the next frame together
 * with the WAL generation (salts) and the running checksum up to that offset. Positions handed out
 * by {@link WalReader} are always at the WAL header's end or right after a commit frame, so an
 * incremental sync can persist one and later resume exactly there.
 *
 * @param offset byte offset of the next frame (at least {@value WalHeader#SIZE})
 */
public record WalPosition(long offset, int salt1, int salt2, int checksum1, int checksum2) {

  public WalPosition {
    if (offset < WalHeader.SIZE) {
      throw new IllegalArgumentException(
          "WAL position offset "
              + offset
              + " lies inside the "
              + WalHeader.SIZE
              + "-byte WAL header");
    }
  }

  /** The position of the first frame of the WAL generation that {@code header} starts. */
  public static WalPosition start(WalHeader header) {
    return new WalPosition(
        WalHeader.SIZE, header.salt1(), header.salt2(), header.checksum1(), header.checksum2());
  }

  /** The running checksum at this position. */
  public WalChecksum checksum() {
    return new WalChecksum(checksum1, checksum2);
  }

  /** True when this position belongs to the WAL generation that {@code header} describes. */
  public boolean sameGeneration(WalHeader header) {
    return salt1 == header.salt1() && salt2 == header.salt2();
  }

  @Override
  public String toString() {
    return String.format(
        "WalPosition[offset=%d, salts=%08x/%08x, checksum=%08x/%08x]",
        offset, salt1, salt2, checksum1, checksum2);
  }
}
