package io.litestream4j.replica;

import java.io.IOException;

/**
 * This process no longer holds the replica's lease (another replicator took it over, or it expired
 * because it could not be renewed in time), so it must stop writing to the replica. Retrying the
 * write cannot help; replication has to stop.
 */
public final class LeaseLostException extends IOException {

  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message) {
    super(message);
  }

  public LeaseLostException(String message, Throwable cause) {
    super(message, cause);
  }
}
