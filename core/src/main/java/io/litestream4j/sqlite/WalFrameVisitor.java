package io.litestream4j.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives committed WAL frames in file order from {@link WalReader#readFrames}. */
@FunctionalInterface
public interface WalFrameVisitor {

  /**
   * Called once per frame.
   *
   * @param page a read-only view of the frame's page bytes in the reader's buffer, valid only
   *     during this call; copy what must outlive it, and do not call back into the reader meanwhile
   */
  void frame(WalFrame frame, ByteBuffer page) throws IOException;
}
