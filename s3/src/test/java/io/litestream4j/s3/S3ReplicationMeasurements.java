package io.litestream4j.s3;

import static io.litestream4j.testing.ReplicationMeasurements.pct;

import io.litestream4j.testing.ReplicationMeasurements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers for the S3 issue, against s3proxy on loopback: commit-to-replica lag at 100 commits/s
 * with {@code sync-interval} 1 s and 0, and restore throughput with parallelism 1 vs 8 (measured
 * alternately in the same run), by {@link ReplicationMeasurements}. Run with {@code ./mvnw -B -pl
 * s3 -am verify -Pslow -Dtest=S3ReplicationMeasurements -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class S3ReplicationMeasurements {
  @TempDir Path dir;

  @Test
  void lagAt100CommitsPerSecond() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      for (Duration interval :
          List.of(Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO)) {
        String bucket = "lag" + System.nanoTime();
        server.createBucket(bucket);
        double[] lags =
            ReplicationMeasurements.measureLag(
                dir,
                S3ReplicaClient.create(server.settings(bucket, "db")),
                "s3://" + bucket + "/db",
                interval,
                Duration.ofSeconds(10));
        System.out.printf(
            "s3 lag sync-interval=%s: commits=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
            interval, lags.length, pct(lags, 50), pct(lags, 99), lags[lags.length - 1]);
      }
    }
  }

  @Test
  void restoreThroughputParallelism1Vs8() throws Exception {
    try (S3ProxyServer server = S3ProxyServer.start()) {
      server.createBucket("restore");
      double[] r =
          ReplicationMeasurements.restoreThroughput(
              dir,
              () -> S3ReplicaClient.create(server.settings("restore", "db")),
              "s3://restore/db");
      System.out.printf(
          "s3 restore %.0f MB: parallelism 1 min/median/max %.0f/%.0f/%.0f MB/s;"
              + " parallelism 8 %.0f/%.0f/%.0f MB/s%n",
          r[6], r[0], r[1], r[2], r[3], r[4], r[5]);
    }
  }
}
