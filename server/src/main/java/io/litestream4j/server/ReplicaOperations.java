package io.litestream4j.server;

/**
 * Receives every storage operation a {@link MeteredReplicaClient} performs; {@link OpsMetrics}
 * turns them into Litestream's {@code litestream_replica_operation_*} metrics.
 */
public interface ReplicaOperations {
  /** Litestream's operation labels. */
  enum Op {
    GET,
    PUT,
    DELETE,
    LIST
  }

  /**
   * @param bytes bytes transferred (0 for LIST/DELETE)
   * @param error null on success, else a short code (the exception's simple class name)
   */
  void record(String replicaType, Op op, long bytes, long nanos, String error);

  ReplicaOperations NONE = (t, o, b, n, e) -> {};
}
