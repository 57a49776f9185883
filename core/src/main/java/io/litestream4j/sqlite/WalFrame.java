package io.litestream4j.sqlite;

/**
 * One frame of a WAL file as located by {@link WalReader}: where it starts and what its header
 * says. The page bytes are handed out separately so that they can stay in the reader's buffer.
 *
 * @param offset byte offset of the frame header in the WAL file
 */
public record WalFrame(long offset, WalFrameHeader header) {

  /** The page number this frame holds. */
  public int pgno() {
    return header.pgno();
  }

  /** True when this frame ends a transaction. */
  public boolean isCommit() {
    return header.isCommit();
  }
}
