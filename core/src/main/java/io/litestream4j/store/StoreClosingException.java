package io.litestream4j.store;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * A job's upload was cut off because its store is closing ({@link Store#close()} or {@link
 * Store#cancelInFlight()} aborted it). Exists so that the job stops there: the failure says nothing
 * about the job's inputs, so nothing is redone (a compaction from local L0 copies is not retried
 * from the replica) and nothing is reported as broken.
 */
final class StoreClosingException extends InterruptedIOException {
  StoreClosingException(String what, IOException cause) {
    super(what + " stopped: the store is closing (" + cause.getMessage() + ")");
    initCause(cause);
  }
}
