package io.litestream4j.abs;

import static io.litestream4j.testing.ReplicationMeasurements.pct;

import io.litestream4j.testing.ReplicationMeasurements;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 issue's lag and restore measurements ({@link ReplicationMeasurements}) on Azure Blob:
 * azurite on loopback (in memory). Run with {@code ./mvnw -B -pl abs -am verify -Pslow
 * -Dtest=AbsReplicationMeasurements -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class AbsReplicationMeasurements {
  @TempDir Path dir;

  @Test
  void lagAt100CommitsPerSecond() throws Exception {
    try (AzuriteServer server = AzuriteServer.start()) {
      for (Duration interval :
          List.of(Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO)) {
        String container = "lag" + System.nanoTime();
        server.createContainer(container);
        double[] lags =
            ReplicationMeasurements.measureLag(
                dir,
                AbsReplicaClient.create(server.settings(container, "db")),
                "abs://" + AzuriteServer.ACCOUNT + "@" + container + "/db",
                interval,
                Duration.ofSeconds(10));
        System.out.printf(
            "abs lag sync-interval=%s: commits=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
            interval, lags.length, pct(lags, 50), pct(lags, 99), lags[lags.length - 1]);
      }
    }
  }

  /** What holding the lease costs: the same load with {@code lease} on and off, alternated. */
  @Test
  void lagWithAndWithoutTheLease() throws Exception {
    try (AzuriteServer server = AzuriteServer.start()) {
      for (boolean lease : List.of(true, false, true, false)) {
        String container = "lease" + System.nanoTime();
        server.createContainer(container);
        double[] lags =
            ReplicationMeasurements.measureLag(
                dir,
                AbsReplicaClient.create(server.settings(container, "db").withLease(lease)),
                "abs://" + AzuriteServer.ACCOUNT + "@" + container + "/db",
                Duration.ZERO,
                Duration.ofSeconds(10));
        System.out.printf(
            "abs lag sync-interval=0 lease=%s: commits=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
            lease, lags.length, pct(lags, 50), pct(lags, 99), lags[lags.length - 1]);
      }
    }
  }

  @Test
  void restoreThroughputParallelism1Vs8() throws Exception {
    try (AzuriteServer server = AzuriteServer.start()) {
      server.createContainer("restore");
      double[] r =
          ReplicationMeasurements.restoreThroughput(
              dir,
              () -> AbsReplicaClient.create(server.settings("restore", "db")),
              "abs://" + AzuriteServer.ACCOUNT + "@restore/db");
      System.out.printf(
          "abs restore %.0f MB: parallelism 1 min/median/max %.0f/%.0f/%.0f MB/s;"
              + " parallelism 8 %.0f/%.0f/%.0f MB/s%n",
          r[6], r[0], r[1], r[2], r[3], r[4], r[5]);
    }
  }
}
