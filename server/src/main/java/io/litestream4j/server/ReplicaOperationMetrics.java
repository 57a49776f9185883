package io.litestream4j.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Litestream's storage-operation metrics, fed by {@link MeteredReplicaClient}: {@code
 * litestream_replica_operation_total}, {@code _bytes}, {@code _duration_seconds} (histogram, 0.01 s
 * to 60 s) and {@code _errors_total}, labelled {@code replica_type} and {@code operation} (GET,
 * PUT, DELETE, LIST), errors also {@code code}. Unlike Litestream (which observes durations and
 * errors only for S3 deletes), every operation of every backend is counted. No exemplars: without a
 * tracing context they carry nothing, and sampling them scheduled a task on the client library's
 * timer thread for observations (16 wake-ups a second at 1000 idle databases, 1.6 ms of CPU).
 */
public final class ReplicaOperationMetrics implements ReplicaOperations {
  private final Counter total;
  private final Counter bytes;
  private final Histogram seconds;
  private final Counter errors;

  public ReplicaOperationMetrics(PrometheusRegistry registry) {
    total =
        Counter.builder()
            .name("litestream_replica_operation_total")
            .help("The number of replica operations performed")
            .labelNames("replica_type", "operation")
            .withoutExemplars()
            .register(registry);
    bytes =
        Counter.builder()
            .name("litestream_replica_operation_bytes")
            .help("The number of bytes used by replica operations")
            .labelNames("replica_type", "operation")
            .withoutExemplars()
            .register(registry);
    seconds =
        Histogram.builder()
            .name("litestream_replica_operation_duration_seconds")
            .help("Duration of replica operations in seconds")
            .labelNames("replica_type", "operation")
            .classicOnly()
            .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
            .withoutExemplars()
            .register(registry);
    errors =
        Counter.builder()
            .name("litestream_replica_operation_errors_total")
            .help("The number of replica operation errors")
            .labelNames("replica_type", "operation", "code")
            .withoutExemplars()
            .register(registry);
  }

  @Override
  public void record(String replicaType, Op op, long n, long nanos, String error) {
    String o = op.name();
    seconds.labelValues(replicaType, o).observe(nanos / 1e9);
    if (error != null) {
      errors.labelValues(replicaType, o, error).inc();
      return;
    }
    total.labelValues(replicaType, o).inc();
    if (n > 0) {
      bytes.labelValues(replicaType, o).inc(n);
    }
  }
}
