package io.litestream4j.replica;

import io.litestream4j.testing.BreakingInputStream;
import io.litestream4j.testing.ForwardingReplicaClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Wraps a real client and breaks its downloads on cue: a dropped connection (read error) or a
 * connection closed early (end of stream) after a given number of bytes, or a failing open. Used
 * only for faults that cannot be caused for real on a local file system. Records every open.
 */
final class FaultInjectingClient extends ForwardingReplicaClient {

  /** What the next opened stream (or the open itself) does wrong. */
  sealed interface Fault {}

  record FailOpen(IOException error) implements Fault {}

  record ErrorAfter(long bytes) implements Fault {}

  record EofAfter(long bytes) implements Fault {}

  record Healthy() implements Fault {}

  private final Deque<Fault> faults = new ArrayDeque<>();
  final List<Long> openOffsets = new ArrayList<>();

  FaultInjectingClient(ReplicaClient delegate) {
    super(delegate);
  }

  FaultInjectingClient then(Fault fault) {
    faults.add(fault);
    return this;
  }

  @Override
  public InputStream openLtxFile(int level, long minTxid, long maxTxid, long offset, long length)
      throws IOException {
    openOffsets.add(offset);
    Fault fault = faults.isEmpty() ? new Healthy() : faults.poll();
    if (fault instanceof FailOpen f) {
      throw f.error();
    }
    InputStream in = delegate.openLtxFile(level, minTxid, maxTxid, offset, length);
    return switch (fault) {
      case ErrorAfter f -> BreakingInputStream.failingAfter(in, f.bytes());
      case EofAfter f -> BreakingInputStream.endingAfter(in, f.bytes());
      default -> in;
    };
  }
}
